package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

func TestConfigValidateListsEveryProblem(t *testing.T) {
	require.ErrorContains(t, server.DefaultConfig().Validate(), "oidc-issuer", "secure by default: no token issuer, no start")
	insecure := server.DefaultConfig()
	insecure.Security = secure.Insecure()
	require.NoError(t, insecure.Validate())
	insecure.HTTPListen = "0.0.0.0:9203"
	require.NoError(t, insecure.Validate(), "-insecure may bind off loopback: the operator asked for it")

	cfg := server.Config{Listen: "nowhere", HTTPListen: "0.0.0.0:9203", EventStoreURL: "http://x", Ledger: " ", ReleaseInterval: 0,
		HTTP: limits.HTTPConfig{MaxBodyBytes: -1}}
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{"listen: must be host:port", `listen address "0.0.0.0:9203"`, "eventstore-url: must be an esdb://",
		"ledger: required: a SQLite file path or a postgres:// URL", "release-interval: must be positive", "oidc-issuer", "http-max-body-bytes"} {
		require.Contains(t, err.Error(), want)
	}
	_, err = server.Start(t.Context(), cfg)
	require.ErrorContains(t, err, "finance config")

	insecure.Ledger = "postgres://finance@db.example:notaport/finance"
	require.ErrorContains(t, insecure.Validate(), "ledger: not a valid PostgreSQL URL")
	insecure.Ledger = "postgres://finance@db.example:5432/finance?sslmode=verify-full"
	require.NoError(t, insecure.Validate())
}

func TestLedgerSurvivesRestart(t *testing.T) {
	cfg := testConfig(t, "")
	srv, c := start(t, cfg)
	createContract(t, c, mskTerms())
	_, err := c.ingest.RecordActivity(t.Context(), activity("ref-1", 0, "RTG", "cats", 12_345, now))
	require.NoError(t, err)
	srv.Close()

	_, c = start(t, cfg)
	again, err := c.ingest.RecordActivity(t.Context(), activity("ref-1", 0, "RTG", "cats", 12_345, now))
	require.NoError(t, err)
	require.True(t, again.GetDuplicate())
	_, err = c.ingest.RecordActivity(t.Context(), activity("ref-2", 0, "RTG", "cats", 0, now)) // the agreed price survived too
	require.NoError(t, err)
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(2*12_345), pos.GetSpentPence())
	_, err = c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2025"})
	requireCode(t, err, codes.NotFound, `contract "msk-2025" not found`)
}

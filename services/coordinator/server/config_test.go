package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

func TestConfigValidate(t *testing.T) {
	require.ErrorContains(t, DefaultConfig().Validate(), "oidc-issuer", "secure by default")
	dev := DefaultConfig()
	dev.Security = secure.Insecure()
	require.ErrorContains(t, dev.Validate(), "patient-vault: is required")
	dev.VaultPath, dev.MasterKeyFile = "postgres://coordinator:s3cret@db:5432/vault?sslmode=bogus", "master.key"
	err := dev.Validate()
	require.ErrorContains(t, err, "patient-vault: not a valid PostgreSQL URL", "a malformed URL is refused at start")
	require.NotContains(t, err.Error(), "s3cret", "the error repeats the password")
	dev.VaultPath = "postgres://coordinator:s3cret@db:5432/vault?sslmode=verify-full"
	require.NoError(t, dev.Validate(), "the vault on PostgreSQL")
	dev.VaultPath = "vault.db"
	require.NoError(t, dev.Validate())

	bad := Config{Listen: "nowhere", HTTPListen: "8081", MetricsListen: "9111", Temporal: journey.TemporalConnection{Address: "", Namespace: " "}, EventStoreURL: "http://x", GovernanceAddr: "gov"}
	err = bad.Validate()
	require.Error(t, err)
	for _, name := range []string{"listen", "http-listen", "temporal-address", "namespace", "eventstore-url", "governance-addr", "actor", "metrics-listen"} {
		require.Contains(t, err.Error(), name+":", "every problem is listed")
	}

	require.Equal(t, RecordsRetention{Years: 8}, dev.RecordsRetention, "the NHS Records Management Code's 8 years")
	noRetention := dev
	noRetention.RecordsRetention = RecordsRetention{}
	require.ErrorContains(t, noRetention.Validate(), "records-retention: must be a positive period", "while the sweeper runs")
	noRetention.RetentionSweepInterval = 0
	require.NoError(t, noRetention.Validate(), "a sweeper that is off needs no retention")
	noRetention.RetentionSweepInterval = time.Second
	require.ErrorContains(t, noRetention.Validate(), "retention-sweep-interval: must be 0 (off) or at least 1m0s")

	noHTTP := dev
	noHTTP.HTTPListen = ""
	require.NoError(t, noHTTP.Validate(), "the gateway may be off")
}

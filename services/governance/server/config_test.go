package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestConfigValidateListsEveryProblem(t *testing.T) {
	require.ErrorContains(t, server.DefaultConfig().Validate(), "oidc-issuer", "secure by default: no token issuer, no start")
	insecure := server.DefaultConfig()
	insecure.Security = secure.Insecure()
	require.NoError(t, insecure.Validate())
	cfg := server.Config{Listen: "nowhere", EventStoreURL: "http://x", MetricsListen: "also-bad"}
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{"listen: must be host:port", "metrics-listen: must be host:port", "eventstore-url: must be an esdb://"} {
		require.Contains(t, err.Error(), want)
	}
	_, err = server.Start(t.Context(), cfg)
	require.ErrorContains(t, err, "governance config")
}

// /metrics is the process's OpenTelemetry figures: otelgrpc's request metrics (no counter of
// governance's own repeats them) and governance's lifecycle transitions.
func TestMetricsShowRequestsAndTransitions(t *testing.T) {
	shutdown, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "governance"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = shutdown.Within(t.Context(), 5*time.Second) })
	cfg := testConfig(startStore(t), &clock{now: time.Now()})
	cfg.MetricsListen = "127.0.0.1:0"
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	gov := dial(t, srv.Addr())
	_, err = gov.GetVersion(as(t, "reader", "board"), &governancev1.GetVersionRequest{PathwayId: "msk", Version: 1})
	require.NoError(t, err)
	_, err = gov.CreateDraft(as(t, "alice", authorRoles), &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1})
	require.NoError(t, err)

	var body string
	require.Eventually(t, func() bool { // the server records a call's metrics just after answering it
		body = scrape(t, srv.MetricsAddr())
		return strings.Contains(body, `rpc_method="pathways.governance.v1.GovernanceService/GetVersion"`)
	}, 10*time.Second, 10*time.Millisecond, "otelgrpc's request metrics are served")
	require.Contains(t, body, "rpc_server_call_duration_seconds_count{")
	require.Contains(t, body, `governance_pathway_transitions_total{action="draft"`)
	require.NotContains(t, body, "governance_rpc_requests_total", "the old request counter is gone")
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/metrics", http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	return string(body)
}

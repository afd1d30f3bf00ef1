package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/server"
)

func TestConfigValidateListsEveryProblem(t *testing.T) {
	require.NoError(t, server.DefaultConfig().Validate())
	cfg := server.Config{Listen: "nowhere", EventStoreURL: "http://x", MetricsListen: "also-bad"}
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{"listen: must be host:port", "metrics-listen: must be host:port", "eventstore-url: must be an esdb://"} {
		require.Contains(t, err.Error(), want)
	}
	_, err = server.Start(t.Context(), cfg)
	require.ErrorContains(t, err, "governance config")
}

func TestMetricsCountRequests(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.MetricsListen, cfg.EventStoreURL = "127.0.0.1:0", "127.0.0.1:0", startStore(t)
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	gov := dial(t, srv.Addr())
	_, err = gov.GetVersion(as(t, "reader", ""), &governancev1.GetVersionRequest{PathwayId: "msk", Version: 1})
	require.NoError(t, err)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+srv.MetricsAddr()+"/metrics", http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Contains(t, string(body), `governance_rpc_requests_total{code="OK",method="/pathways.governance.v1.GovernanceService/GetVersion"} 1`)
}

package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/worker/server"
)

func TestLoad(t *testing.T) {
	env := map[string]string{"WORKER_NAMESPACE": "pathways", "WORKER_FINANCE_ADDR": "10.0.0.5:9103"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	cfg, err := load([]string{"--dashboard-addr", "dash:9104", "--register-search-attributes=false"}, lookup)
	require.NoError(t, err)
	want := server.DefaultConfig()
	want.Namespace, want.FinanceAddr, want.DashboardAddr, want.RegisterSearchAttributes = "pathways", "10.0.0.5:9103", "dash:9104", false
	require.Equal(t, want, cfg)

	_, err = load([]string{"--temporal-address", "no-port"}, lookup)
	require.ErrorContains(t, err, "temporal-address")

	env["WORKER_REGISTER_SEARCH_ATTRIBUTES"] = "perhaps"
	_, err = load(nil, lookup)
	require.ErrorContains(t, err, "WORKER_REGISTER_SEARCH_ATTRIBUTES")
}

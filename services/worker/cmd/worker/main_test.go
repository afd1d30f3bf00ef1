package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/worker/server"
)

func TestLoad(t *testing.T) {
	env := map[string]string{"WORKER_NAMESPACE": "pathways", "WORKER_FINANCE_ADDR": "10.0.0.5:9103", telemetry.EnvOTLPEndpoint: "http://collector:4317"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }

	cfg, tel, err := load([]string{"--dashboard-addr", "dash:9104", "--register-search-attributes=false", "--trace-file", "spans.jsonl"}, lookup)
	require.NoError(t, err)
	want := server.DefaultConfig()
	want.Namespace, want.FinanceAddr, want.DashboardAddr, want.RegisterSearchAttributes = "pathways", "10.0.0.5:9103", "dash:9104", false
	require.Equal(t, want, cfg)
	require.Equal(t, telemetry.Config{ServiceName: "worker", OTLPEndpoint: "http://collector:4317", TraceFile: "spans.jsonl"}, tel)

	_, _, err = load([]string{"--temporal-address", "no-port", "--otlp-endpoint", "collector"}, lookup)
	require.ErrorContains(t, err, "temporal-address")
	require.ErrorContains(t, err, "otlp-endpoint")

	env["WORKER_REGISTER_SEARCH_ATTRIBUTES"] = "perhaps"
	_, _, err = load(nil, lookup)
	require.ErrorContains(t, err, "WORKER_REGISTER_SEARCH_ATTRIBUTES")
}

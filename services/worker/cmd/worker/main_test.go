package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/worker/server"
)

func TestLoad(t *testing.T) {
	env := map[string]string{"WORKER_NAMESPACE": "pathways", "WORKER_FINANCE_ADDR": "10.0.0.5:9103", telemetry.EnvOTLPEndpoint: "http://collector:4317",
		"WORKER_ACTOR": ""}
	getenv := func(k string) string { return env[k] }

	cfg, tel, err := load([]string{"-dashboard-addr", "dash:9104", "-register-search-attributes=false", "-trace-file", "spans.jsonl"}, getenv, &bytes.Buffer{})
	require.NoError(t, err)
	want := server.DefaultConfig()
	want.Namespace, want.FinanceAddr, want.DashboardAddr, want.RegisterSearchAttributes = "pathways", "10.0.0.5:9103", "dash:9104", false
	want.MetricsListen = server.DefaultMetricsListen
	require.Equal(t, want, cfg, "an empty WORKER_ACTOR counts as unset, like every other variable")
	require.Equal(t, telemetry.Config{ServiceName: "worker", OTLPEndpoint: "http://collector:4317", TraceFile: "spans.jsonl"}, tel)

	env["WORKER_REGISTER_SEARCH_ATTRIBUTES"] = "perhaps"
	_, _, err = load([]string{"-temporal-address", "no-port", "-otlp-endpoint", "collector"}, getenv, &bytes.Buffer{})
	require.ErrorContains(t, err, "temporal-address")
	require.ErrorContains(t, err, "otlp-endpoint")
	require.ErrorContains(t, err, `WORKER_REGISTER_SEARCH_ATTRIBUTES: must be true or false, not "perhaps"`)

	var out bytes.Buffer
	_, _, err = load([]string{"-h"}, getenv, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	require.Contains(t, out.String(), "-metrics-listen string [WORKER_METRICS_LISTEN]")
}

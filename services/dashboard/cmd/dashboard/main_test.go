package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	cfg, tel, rebuild, err := load(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.False(t, rebuild)
	require.Equal(t, server.DefaultConfig(), cfg)
	require.Equal(t, telemetry.Config{ServiceName: "dashboard"}, tel, "no telemetry export unless asked")

	env := map[string]string{telemetry.EnvServiceName: "dashboard-north", telemetry.EnvTraceFile: "env.jsonl",
		"DASHBOARD_LISTEN": "127.0.0.1:9300", "DASHBOARD_HTTP_LISTEN": "", "DASHBOARD_FINANCE_ADDR": "fin:9103"}
	cfg, tel, rebuild, err = load([]string{"-otlp-endpoint", "https://collector:4317", "-listen", "127.0.0.1:9400", "-rebuild"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, rebuild)
	require.Equal(t, "127.0.0.1:9400", cfg.Listen, "flags win over the environment")
	require.Equal(t, "fin:9103", cfg.FinanceAddr, "the environment wins over the defaults")
	require.Equal(t, server.DefaultHTTPListen, cfg.HTTPListen, "an empty variable counts as unset")
	require.Equal(t, telemetry.Config{ServiceName: "dashboard-north", OTLPEndpoint: "https://collector:4317", TraceFile: "env.jsonl"}, tel)
}

func TestLoadListsEveryProblemAndAnswersHelp(t *testing.T) {
	_, _, _, err := load([]string{"-otlp-endpoint", "collector:4317", "-listen", "nowhere"}, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
	require.ErrorContains(t, err, "listen: must be host:port")

	var out bytes.Buffer
	_, _, _, err = load([]string{"-h"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	require.Contains(t, out.String(), "-finance-addr string [DASHBOARD_FINANCE_ADDR]")
}

package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	cfg, tel, err := load(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, server.DefaultConfig(), cfg)
	require.Equal(t, telemetry.Config{ServiceName: "finance"}, tel, "no telemetry export unless asked")

	env := map[string]string{telemetry.EnvOTLPEndpoint: "http://collector:4317", telemetry.EnvTraceFile: "env.jsonl",
		"FINANCE_RELEASE_INTERVAL": "30s", "FINANCE_HTTP_LISTEN": "127.0.0.1:8083", "FINANCE_EVENTSTORE_URL": ""}
	cfg, tel, err = load([]string{"-trace-file", "flag.jsonl", "-listen", "127.0.0.1:9300"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Equal(t, "127.0.0.1:8083", cfg.HTTPListen)
	require.Equal(t, 30*time.Second, cfg.ReleaseInterval)
	require.Equal(t, server.DefaultEventStoreURL, cfg.EventStoreURL, "an empty variable counts as unset")
	require.Equal(t, telemetry.Config{ServiceName: "finance", OTLPEndpoint: "http://collector:4317", TraceFile: "flag.jsonl"}, tel)

	cfg, _, err = load([]string{"-eventstore-url="}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Empty(t, cfg.EventStoreURL, "the flag turns the relay off")
}

func TestLoadListsEveryProblemAndAnswersHelp(t *testing.T) {
	env := map[string]string{"FINANCE_RELEASE_INTERVAL": "hourly"}
	_, _, err := load([]string{"-listen", "nowhere", "-otlp-endpoint", "collector:4317"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.ErrorContains(t, err, `FINANCE_RELEASE_INTERVAL: must be a duration such as 90s or 5m, not "hourly"`)
	require.ErrorContains(t, err, "listen: must be host:port")
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")

	var out bytes.Buffer
	_, _, err = load([]string{"-version"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrVersion)
	require.Contains(t, out.String(), "finance ")
}

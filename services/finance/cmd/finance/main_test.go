package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsTelemetryFlagsOverEnvironment(t *testing.T) {
	_, tel, err := load(nil)
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "finance"}, tel, "no telemetry export unless asked")

	t.Setenv(telemetry.EnvOTLPEndpoint, "http://collector:4317")
	t.Setenv(telemetry.EnvTraceFile, "env.jsonl")
	cfg, tel, err := load([]string{"--trace-file", "flag.jsonl", "--listen", "127.0.0.1:9300"})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Equal(t, telemetry.Config{ServiceName: "finance", OTLPEndpoint: "http://collector:4317", TraceFile: "flag.jsonl"}, tel)

	_, _, err = load([]string{"--listen", "nowhere", "--otlp-endpoint", "collector:4317"})
	require.ErrorContains(t, err, "listen")
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
}

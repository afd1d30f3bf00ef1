package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsTelemetryFlagsOverEnvironment(t *testing.T) {
	_, tel, rebuild, err := load(nil)
	require.NoError(t, err)
	require.False(t, rebuild)
	require.Equal(t, telemetry.Config{ServiceName: "dashboard"}, tel, "no telemetry export unless asked")

	t.Setenv(telemetry.EnvServiceName, "dashboard-north")
	t.Setenv(telemetry.EnvTraceFile, "env.jsonl")
	_, tel, _, err = load([]string{"--otlp-endpoint", "https://collector:4317"})
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "dashboard-north", OTLPEndpoint: "https://collector:4317", TraceFile: "env.jsonl"}, tel)

	_, _, _, err = load([]string{"--otlp-endpoint", "collector:4317"})
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
}

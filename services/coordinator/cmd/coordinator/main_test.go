package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{"COORDINATOR_LISTEN": "127.0.0.1:9999", "COORDINATOR_NAMESPACE": "pathways", "COORDINATOR_FINGERPRINT_KEY": "s3cret",
		telemetry.EnvTraceFile: "spans.jsonl"}
	cfg, tel, err := loadConfig([]string{"-listen", "127.0.0.1:7777", "-http-listen", "", "-otlp-endpoint", "https://collector:4317"},
		func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "coordinator", OTLPEndpoint: "https://collector:4317", TraceFile: "spans.jsonl"}, tel)
	require.Equal(t, "127.0.0.1:7777", cfg.Listen, "flags win over the environment")
	require.Equal(t, "pathways", cfg.Namespace, "the environment wins over defaults")
	require.Empty(t, cfg.HTTPListen)
	require.Equal(t, "s3cret", cfg.FingerprintKey)

	_, _, err = loadConfig([]string{"-eventstore-url", "postgres://x", "-otlp-endpoint", "collector:4317"}, func(string) string { return "" })
	require.ErrorContains(t, err, "eventstore-url")
	require.ErrorContains(t, err, "otlp-endpoint")
}

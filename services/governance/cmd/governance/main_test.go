package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	cfg, tel, err := load(nil)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9102", cfg.Listen)
	require.Equal(t, telemetry.Config{ServiceName: "governance"}, tel, "no telemetry export unless asked")
	require.True(t, cfg.SeedBuiltin)
	require.Empty(t, cfg.MetricsListen)

	t.Setenv("GOVERNANCE_LISTEN", "127.0.0.1:9200")
	t.Setenv("GOVERNANCE_SEED_BUILTIN", "false")
	t.Setenv("GOVERNANCE_EVENTSTORE_URL", "esdb://store:2113?tls=false")
	t.Setenv(telemetry.EnvOTLPEndpoint, "http://collector:4317")
	cfg, tel, err = load([]string{"--listen", "127.0.0.1:9300", "--metrics-listen", "127.0.0.1:9301", "--trace-file", "spans.jsonl"})
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "governance", OTLPEndpoint: "http://collector:4317", TraceFile: "spans.jsonl"}, tel)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Equal(t, "127.0.0.1:9301", cfg.MetricsListen)
	require.Equal(t, "esdb://store:2113?tls=false", cfg.EventStoreURL)
	require.False(t, cfg.SeedBuiltin)
}

func TestLoadRejectsBadConfiguration(t *testing.T) {
	t.Setenv("GOVERNANCE_SEED_BUILTIN", "perhaps")
	_, _, err := load(nil)
	require.ErrorContains(t, err, "GOVERNANCE_SEED_BUILTIN")

	t.Setenv("GOVERNANCE_SEED_BUILTIN", "true")
	_, _, err = load([]string{"--listen", "nowhere", "--eventstore-url", "http://x", "--otlp-endpoint", "collector:4317"})
	require.ErrorContains(t, err, "listen: must be host:port")
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
	require.ErrorContains(t, err, "eventstore-url")
}

package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	cfg, err := load(nil)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9102", cfg.Listen)
	require.True(t, cfg.SeedBuiltin)
	require.Empty(t, cfg.MetricsListen)

	t.Setenv("GOVERNANCE_LISTEN", "127.0.0.1:9200")
	t.Setenv("GOVERNANCE_SEED_BUILTIN", "false")
	t.Setenv("GOVERNANCE_EVENTSTORE_URL", "esdb://store:2113?tls=false")
	cfg, err = load([]string{"--listen", "127.0.0.1:9300", "--metrics-listen", "127.0.0.1:9301"})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Equal(t, "127.0.0.1:9301", cfg.MetricsListen)
	require.Equal(t, "esdb://store:2113?tls=false", cfg.EventStoreURL)
	require.False(t, cfg.SeedBuiltin)
}

func TestLoadRejectsBadConfiguration(t *testing.T) {
	t.Setenv("GOVERNANCE_SEED_BUILTIN", "perhaps")
	_, err := load(nil)
	require.ErrorContains(t, err, "GOVERNANCE_SEED_BUILTIN")

	t.Setenv("GOVERNANCE_SEED_BUILTIN", "true")
	_, err = load([]string{"--listen", "nowhere", "--eventstore-url", "http://x"})
	require.ErrorContains(t, err, "listen: must be host:port")
	require.ErrorContains(t, err, "eventstore-url")
}

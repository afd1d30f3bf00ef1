package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{"COORDINATOR_LISTEN": "127.0.0.1:9999", "COORDINATOR_NAMESPACE": "pathways", "COORDINATOR_FINGERPRINT_KEY": "s3cret"}
	cfg, err := loadConfig([]string{"-listen", "127.0.0.1:7777", "-http-listen", ""}, func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:7777", cfg.Listen, "flags win over the environment")
	require.Equal(t, "pathways", cfg.Namespace, "the environment wins over defaults")
	require.Empty(t, cfg.HTTPListen)
	require.Equal(t, "s3cret", cfg.FingerprintKey)

	_, err = loadConfig([]string{"-eventstore-url", "postgres://x"}, func(string) string { return "" })
	require.ErrorContains(t, err, "eventstore-url")
}

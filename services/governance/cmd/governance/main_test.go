package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	_, _, err := load(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "oidc-issuer", "secure by default: an issuer, or -insecure")
	cfg, tel, err := load([]string{"-insecure"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, cfg.Security.TLS.Insecure)
	require.Equal(t, server.DefaultListen, cfg.Listen)
	require.True(t, cfg.SeedBuiltin)
	require.Equal(t, server.DefaultMetricsListen, cfg.MetricsListen, "metrics on loopback by default")
	require.Equal(t, telemetry.Config{ServiceName: "governance"}, tel, "no telemetry export unless asked")

	env := map[string]string{"GOVERNANCE_LISTEN": "127.0.0.1:9200", "GOVERNANCE_SEED_BUILTIN": "false",
		"GOVERNANCE_EVENTSTORE_URL": "esdb://store:2113?tls=false", telemetry.EnvOTLPEndpoint: "http://collector:4317",
		"GOVERNANCE_OIDC_ISSUER": "https://login.example.nhs.uk", "GOVERNANCE_OIDC_AUDIENCE": "api://pathways"}
	cfg, tel, err = load([]string{"-listen", "127.0.0.1:9300", "-metrics-listen=", "-trace-file", "spans.jsonl"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "governance", OTLPEndpoint: "http://collector:4317", TraceFile: "spans.jsonl"}, tel)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Empty(t, cfg.MetricsListen, "an empty flag turns metrics off")
	require.Equal(t, "esdb://store:2113?tls=false", cfg.EventStoreURL)
	require.False(t, cfg.SeedBuiltin)
	require.Equal(t, "https://login.example.nhs.uk", cfg.Security.OIDC.Issuer)
	require.Equal(t, "api://pathways", cfg.Security.OIDC.Audience)
}

func TestLoadListsEveryProblemAndAnswersHelp(t *testing.T) {
	env := map[string]string{"GOVERNANCE_SEED_BUILTIN": "perhaps"}
	_, _, err := load([]string{"-listen", "nowhere", "-eventstore-url", "http://x", "-otlp-endpoint", "collector:4317"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.ErrorContains(t, err, `GOVERNANCE_SEED_BUILTIN: must be true or false, not "perhaps"`)
	require.ErrorContains(t, err, "listen: must be host:port")
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
	require.ErrorContains(t, err, "eventstore-url")

	var out bytes.Buffer
	_, _, err = load([]string{"-h"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	require.Contains(t, out.String(), "-seed-builtin [GOVERNANCE_SEED_BUILTIN]")
}

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
	_, _, err := load(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "oidc-issuer", "secure by default: an issuer, or -insecure")
	cfg, tel, err := load([]string{"-insecure"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	want := server.DefaultConfig()
	want.Security.TLS.Insecure = true
	require.Equal(t, want, cfg)
	require.Equal(t, telemetry.Config{ServiceName: "finance"}, tel, "no telemetry export unless asked")

	env := map[string]string{telemetry.EnvOTLPEndpoint: "http://collector:4317", telemetry.EnvTraceFile: "env.jsonl",
		"FINANCE_RELEASE_INTERVAL": "30s", "FINANCE_HTTP_LISTEN": "127.0.0.1:8083", "FINANCE_EVENTSTORE_URL": "",
		"FINANCE_OIDC_ISSUER": "https://keycloak.example.nhs.uk/realms/pathways", "FINANCE_OIDC_AUDIENCE": "pathways-finance",
		"FINANCE_OIDC_CLAIM_ROLES": "realm_access.roles", "FINANCE_TLS_CERT": "/etc/pathways/finance.crt",
		"FINANCE_TLS_KEY": "/etc/pathways/finance.key", "FINANCE_HTTP_MAX_BODY_BYTES": "1024"}
	cfg, tel, err = load([]string{"-trace-file", "flag.jsonl", "-listen", "127.0.0.1:9300", "-tls-client-ca", "/etc/pathways/ca.crt"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "https://keycloak.example.nhs.uk/realms/pathways", cfg.Security.OIDC.Issuer)
	require.Equal(t, "pathways-finance", cfg.Security.OIDC.Audience)
	require.Equal(t, "realm_access.roles", cfg.Security.OIDC.Claims.Roles)
	require.Equal(t, "/etc/pathways/finance.crt", cfg.Security.TLS.Server.CertFile)
	require.Equal(t, "/etc/pathways/ca.crt", cfg.Security.TLS.Server.ClientCAFile)
	require.Equal(t, 1024, cfg.HTTP.MaxBodyBytes)
	require.Equal(t, "127.0.0.1:9300", cfg.Listen)
	require.Equal(t, "127.0.0.1:8083", cfg.HTTPListen)
	require.Equal(t, 30*time.Second, cfg.ReleaseInterval)
	require.Equal(t, server.DefaultEventStoreURL, cfg.EventStoreURL, "an empty variable counts as unset")
	require.Equal(t, telemetry.Config{ServiceName: "finance", OTLPEndpoint: "http://collector:4317", TraceFile: "flag.jsonl"}, tel)

	cfg, _, err = load([]string{"-eventstore-url=", "-insecure"}, func(string) string { return "" }, &bytes.Buffer{})
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

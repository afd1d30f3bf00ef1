package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/worker/server"
)

func TestLoad(t *testing.T) {
	env := map[string]string{"TEMPORAL_NAMESPACE": "pathways", "TEMPORAL_ADDRESS": "temporal.internal:7233", "TEMPORAL_API_KEY": "key-1",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/etc/temporal/ca.crt", "WORKER_FINANCE_ADDR": "10.0.0.5:9103",
		telemetry.EnvOTLPEndpoint: "http://collector:4317", "WORKER_TLS_CERT": "/etc/worker/tls.crt", "WORKER_TLS_KEY": "/etc/worker/tls.key",
		"WORKER_TLS_CA": "/etc/pathways/ca.crt", "WORKER_METRICS_LISTEN": "", "PATHWAYS_PAYLOAD_KEYS_FILE": "/run/secrets/payload-keys.json"}
	getenv := func(k string) string { return env[k] }

	cfg, tel, err := load([]string{"-dashboard-addr", "dash:9104", "-register-search-attributes=false", "-trace-file", "spans.jsonl",
		"-temporal-address", "temporal.flag:7233"}, getenv, &bytes.Buffer{})
	require.NoError(t, err)
	want := server.DefaultConfig()
	want.Temporal.Address, want.Temporal.Namespace, want.Temporal.APIKey = "temporal.flag:7233", "pathways", "key-1"
	want.Temporal.TLS.ServerCACertPath = "/etc/temporal/ca.crt"
	want.Temporal.PayloadKeysFile = "/run/secrets/payload-keys.json"
	want.FinanceAddr, want.DashboardAddr, want.RegisterSearchAttributes = "10.0.0.5:9103", "dash:9104", false
	want.Security.TLS.Server.CertFile, want.Security.TLS.Server.KeyFile, want.Security.TLS.CAFile = "/etc/worker/tls.crt", "/etc/worker/tls.key", "/etc/pathways/ca.crt"
	want.MetricsListen = server.DefaultMetricsListen
	require.Equal(t, want, cfg, "flags over TEMPORAL_* and WORKER_* over the defaults; an empty variable counts as unset")
	require.Equal(t, telemetry.Config{ServiceName: "worker", OTLPEndpoint: "http://collector:4317", TraceFile: "spans.jsonl"}, tel)

	env["WORKER_REGISTER_SEARCH_ATTRIBUTES"] = "perhaps"
	_, _, err = load([]string{"-temporal-address", "no-port", "-otlp-endpoint", "collector"}, getenv, &bytes.Buffer{})
	require.ErrorContains(t, err, "temporal-address")
	require.ErrorContains(t, err, "otlp-endpoint")
	require.ErrorContains(t, err, `WORKER_REGISTER_SEARCH_ATTRIBUTES: must be true or false, not "perhaps"`)

	var out bytes.Buffer
	_, _, err = load([]string{"-h"}, getenv, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	for _, flag := range []string{"-metrics-listen string [WORKER_METRICS_LISTEN]", "-temporal-address string [TEMPORAL_ADDRESS]",
		"-namespace string [TEMPORAL_NAMESPACE]", "-temporal-tls [TEMPORAL_TLS]", "-temporal-tls-cert string [TEMPORAL_TLS_CLIENT_CERT_PATH]",
		"-tls-cert string [WORKER_TLS_CERT]", "-tls-ca string [WORKER_TLS_CA]", "-insecure [WORKER_INSECURE]"} {
		require.Contains(t, out.String(), flag)
	}
	require.NotContains(t, out.String(), "-oidc-", "the worker serves no API that takes tokens")
	require.NotContains(t, out.String(), "-actor", "the worker is known by its certificate, not a name it gives")
}

func TestLoadIsSecureByDefault(t *testing.T) {
	none := func(string) string { return "" }
	_, _, err := load(nil, none, &bytes.Buffer{})
	require.ErrorContains(t, err, "tls-cert, tls-key: required")
	require.ErrorContains(t, err, "-insecure")

	cfg, _, err := load([]string{"-insecure"}, none, &bytes.Buffer{})
	require.NoError(t, err, "-insecure: plaintext on loopback, for development")
	require.True(t, cfg.Security.TLS.Insecure)

	_, _, err = load([]string{"-insecure", "-metrics-listen", ":9115"}, none, &bytes.Buffer{})
	require.NoError(t, err, "-insecure allows plaintext off loopback too")
	_, _, err = load([]string{"-tls-cert", "w.crt", "-tls-key", "w.key", "-temporal-address", "temporal.internal:7233"}, none, &bytes.Buffer{})
	require.ErrorContains(t, err, "refusing plaintext off loopback", "Temporal off loopback needs TLS or -insecure")
}

package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadReadsFlagsOverEnvironmentOverDefaults(t *testing.T) {
	_, _, _, err := load(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "oidc-issuer", "secure by default: an issuer, or -insecure")
	cfg, tel, rebuild, err := load([]string{"-insecure"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.False(t, rebuild)
	want := server.DefaultConfig()
	want.Security.TLS.Insecure = true
	require.Empty(t, cfg.FinanceTLS.CAFile+cfg.FinanceTLS.CertFile+cfg.FinanceTLS.KeyFile+cfg.FinanceTLS.ServerName, "no finance overrides")
	want.FinanceTLS = cfg.FinanceTLS // the same but for the flags' prefix it keeps for its messages
	require.Equal(t, want, cfg)
	require.Equal(t, telemetry.Config{ServiceName: "dashboard"}, tel, "no telemetry export unless asked")

	env := map[string]string{telemetry.EnvServiceName: "dashboard-north", telemetry.EnvTraceFile: "env.jsonl",
		"DASHBOARD_LISTEN": "127.0.0.1:9300", "DASHBOARD_HTTP_LISTEN": "", "DASHBOARD_FINANCE_ADDR": "fin:9103",
		"DASHBOARD_OIDC_ISSUER": "https://login.example.nhs.uk", "DASHBOARD_OIDC_AUDIENCE": "api://pathways",
		"DASHBOARD_WEB_OIDC_CLIENT_SECRET": "s3cret", "DASHBOARD_HTTP_READ_TIMEOUT": "10s", "DASHBOARD_WEB_OIDC_SCOPES": "api://pathways/.default"}
	cfg, tel, rebuild, err = load([]string{"-otlp-endpoint", "https://collector:4317", "-listen", "127.0.0.1:9400", "-rebuild",
		"-web-public-url", "https://dashboard.example.nhs.uk", "-web-oidc-client-id", "pathways-dashboard"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, rebuild)
	require.Equal(t, "127.0.0.1:9400", cfg.Listen, "flags win over the environment")
	require.Equal(t, "fin:9103", cfg.FinanceAddr, "the environment wins over the defaults")
	require.Equal(t, server.DefaultHTTPListen, cfg.HTTPListen, "an empty variable counts as unset")
	require.Equal(t, telemetry.Config{ServiceName: "dashboard-north", OTLPEndpoint: "https://collector:4317", TraceFile: "env.jsonl"}, tel)
	require.Equal(t, "https://login.example.nhs.uk", cfg.Security.OIDC.Issuer)
	require.Equal(t, "api://pathways", cfg.Security.OIDC.Audience)
	require.Equal(t, server.WebSignIn{ClientID: "pathways-dashboard", ClientSecret: "s3cret", PublicURL: "https://dashboard.example.nhs.uk",
		Scopes: "api://pathways/.default"}, cfg.Web)
	require.Equal(t, 10*time.Second, cfg.HTTP.ReadTimeout)
}

func TestLoadListsEveryProblemAndAnswersHelp(t *testing.T) {
	_, _, _, err := load([]string{"-otlp-endpoint", "collector:4317", "-listen", "nowhere", "-oidc-issuer", "https://login.example.nhs.uk",
		"-oidc-audience", "pathways", "-web-public-url", "http://dashboard.example.nhs.uk", "-http-listen", "0.0.0.0:8084"},
		func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "otlp-endpoint: must be an http:// or https:// URL")
	require.ErrorContains(t, err, "listen: must be host:port")
	require.ErrorContains(t, err, "web-public-url: must be https")
	require.ErrorContains(t, err, "0.0.0.0:8084", "plaintext off loopback")

	var out bytes.Buffer
	_, _, _, err = load([]string{"-h"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	for _, flag := range []string{"-finance-addr string [DASHBOARD_FINANCE_ADDR]", "-web-oidc-client-id string [DASHBOARD_WEB_OIDC_CLIENT_ID]",
		"-web-oidc-client-secret string [DASHBOARD_WEB_OIDC_CLIENT_SECRET]", "-web-public-url string [DASHBOARD_WEB_PUBLIC_URL]", "-web-oidc-scopes string [DASHBOARD_WEB_OIDC_SCOPES]",
		"-oidc-issuer string [DASHBOARD_OIDC_ISSUER]", "-tls-cert string [DASHBOARD_TLS_CERT]", "-finance-tls-ca string [DASHBOARD_FINANCE_TLS_CA]",
		"-http-max-body-bytes int [DASHBOARD_HTTP_MAX_BODY_BYTES]", "-insecure [DASHBOARD_INSECURE]"} {
		require.Contains(t, out.String(), flag)
	}
}

func TestLoadReadsTheDisclosureRuleAndRetention(t *testing.T) {
	env := map[string]string{"DASHBOARD_DISCLOSURE_SUPPRESS_MAX": "9", "DASHBOARD_RECORDS_RETENTION": "25y", "DASHBOARD_PURGE_INTERVAL": "6h"}
	cfg, _, _, err := load([]string{"-insecure", "-disclosure-round-to", "10"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, server.Disclosure{SuppressMin: 1, SuppressMax: 9, RoundTo: 10}, cfg.Disclosure)
	require.Equal(t, server.Retention{Years: 25}, cfg.RecordsRetention)
	require.Equal(t, 6*time.Hour, cfg.PurgeInterval)

	cfg, _, _, err = load([]string{"-insecure"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, server.DefaultDisclosure, cfg.Disclosure, "1 to 7 suppressed, the rest rounded to 5")
	require.Equal(t, server.Retention{Years: 8}, cfg.RecordsRetention, "the NHS Records Management Code's 8 years")

	_, _, _, err = load([]string{"-insecure", "-disclosure-suppress-min", "0", "-disclosure-round-to", "0", "-records-retention", "0d",
		"-purge-interval", "-1s"}, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "disclosure-suppress-min: must be from 1 to disclosure-suppress-max (7), not 0")
	require.ErrorContains(t, err, "disclosure-round-to: must be 1 (no rounding) or more, not 0")
	require.ErrorContains(t, err, "records-retention: must be a positive period")
	require.ErrorContains(t, err, "purge-interval: must be 0 (off) or more")
	_, _, _, err = load([]string{"-insecure", "-records-retention", "eight years"}, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "records-retention")
}

func TestLoadTakesASQLiteFileOrAPostgreSQLURL(t *testing.T) {
	cfg, _, _, err := load([]string{"-insecure", "-db", "/var/lib/dashboard/read.db"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "/var/lib/dashboard/read.db", cfg.DBPath)
	env := map[string]string{"DASHBOARD_DB": "postgresql://dashboard:s3cret@db.example:5432/dashboard?sslmode=verify-full"}
	cfg, _, _, err = load([]string{"-insecure"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, env["DASHBOARD_DB"], cfg.DBPath)

	for db, why := range map[string]string{
		"postgres://dashboard:s3cret@db.example:5432/dashboard?sslmode=sometimes": "db: must be a PostgreSQL URL",
		"postgres://dashboard:s3cret@db.example:5432/":                            "db: the PostgreSQL URL must name the database",
		"mysql://dashboard:s3cret@db.example/dashboard":                           "db: must be a SQLite file path or a postgres:// or postgresql:// URL",
	} {
		_, _, _, err := load([]string{"-insecure", "-db", db}, func(string) string { return "" }, &bytes.Buffer{})
		require.ErrorContains(t, err, why, db)
		require.NotContains(t, err.Error(), "s3cret", "the password is never repeated")
	}
}

// The finance address may name several replicas (a list, or a DNS name resolving to each); a
// list with an element missing its port is refused, naming the flag.
func TestLoadTakesFinanceReplicas(t *testing.T) {
	for _, addr := range []string{"fin-a:9103,fin-b:9103", "dns:///finance.pathways.svc:9103"} {
		cfg, _, _, err := load([]string{"-insecure", "-finance-addr", addr}, func(string) string { return "" }, &bytes.Buffer{})
		require.NoError(t, err, addr)
		require.Equal(t, addr, cfg.FinanceAddr)
	}
	_, _, _, err := load([]string{"-insecure", "-finance-addr", "fin-a:9103,fin-b"}, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "finance-addr")
}

package main

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{"COORDINATOR_LISTEN": "127.0.0.1:9999", "TEMPORAL_NAMESPACE": "pathways", "COORDINATOR_FINGERPRINT_KEY": "s3cret",
		"COORDINATOR_ACTOR": "", telemetry.EnvTraceFile: "spans.jsonl",
		"COORDINATOR_OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0", "COORDINATOR_OIDC_AUDIENCE": "api://pathways",
		"COORDINATOR_OIDC_CLAIM_SUBJECT": "oid", "COORDINATOR_PATIENT_VAULT": "/var/lib/pathways/vault.db",
		"COORDINATOR_MASTER_KEY_FILE": "/run/secrets/vault-master.key", "PATHWAYS_PAYLOAD_KEYS_FILE": "/run/secrets/payload-keys.json"}
	cfg, tel, err := loadConfig([]string{"-listen", "127.0.0.1:7777", "-http-listen", "", "-otlp-endpoint", "https://collector:4317"},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, telemetry.Config{ServiceName: "coordinator", OTLPEndpoint: "https://collector:4317", TraceFile: "spans.jsonl"}, tel)
	require.Equal(t, "127.0.0.1:7777", cfg.Listen, "flags win over the environment")
	require.Equal(t, "pathways", cfg.Temporal.Namespace, "the environment wins over defaults")
	require.Equal(t, server.DefaultActor, cfg.Actor, "an empty variable counts as unset")
	require.Empty(t, cfg.HTTPListen)
	require.Equal(t, server.DefaultMetricsListen, cfg.MetricsListen, "metrics on loopback by default")
	require.Equal(t, "s3cret", cfg.FingerprintKey)
	require.Equal(t, "https://login.microsoftonline.com/tenant/v2.0", cfg.Security.OIDC.Issuer)
	require.Equal(t, "oid", cfg.Security.OIDC.Claims.Subject)
	require.Equal(t, "/var/lib/pathways/vault.db", cfg.VaultPath)
	require.Equal(t, "/run/secrets/vault-master.key", cfg.MasterKeyFile)
	require.False(t, cfg.CreateMasterKey, "a production coordinator never makes up a master key")
	dev, _, err := loadConfig([]string{"-insecure", "-patient-vault", "v.db", "-master-key-file", "m.key"}, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.True(t, dev.CreateMasterKey, "a development coordinator makes its master key at first start")

	_, _, err = loadConfig(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "oidc-issuer", "secure by default: an issuer, or -insecure")
	require.ErrorContains(t, err, "patient-vault: is required")
	require.ErrorContains(t, err, "master-key-file: is required")

	_, _, err = loadConfig([]string{"-eventstore-url", "postgres://x", "-otlp-endpoint", "collector:4317", "-metrics-listen", "9111"},
		func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "eventstore-url")
	require.ErrorContains(t, err, "otlp-endpoint")
	require.ErrorContains(t, err, "metrics-listen: must be host:port")

	var out bytes.Buffer
	_, _, err = loadConfig([]string{"-help"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	require.Contains(t, out.String(), "-metrics-listen string [COORDINATOR_METRICS_LISTEN]")
}

func TestLoadConfigRecordsRetention(t *testing.T) {
	base := []string{"-insecure", "-patient-vault", "vault.db", "-master-key-file", "master.key"}
	load := func(env map[string]string, args ...string) (server.Config, error) {
		cfg, _, err := loadConfig(append(append([]string(nil), base...), args...), func(k string) string { return env[k] }, &bytes.Buffer{})
		return cfg, err
	}
	cfg, err := load(nil)
	require.NoError(t, err)
	require.Equal(t, server.RecordsRetention{Years: 8}, cfg.RecordsRetention, "the NHS Records Management Code's 8 years")
	require.Equal(t, 24*time.Hour, cfg.RetentionSweepInterval)

	cfg, err = load(map[string]string{"COORDINATOR_RECORDS_RETENTION": "90d", "COORDINATOR_RETENTION_SWEEP_INTERVAL": "0"})
	require.NoError(t, err)
	require.Equal(t, server.RecordsRetention{Days: 90}, cfg.RecordsRetention)
	require.Zero(t, cfg.RetentionSweepInterval, "0 turns the sweeper off")
	cfg, err = load(map[string]string{"COORDINATOR_RECORDS_RETENTION": "90d"}, "-records-retention", "36h", "-retention-sweep-interval", "6h")
	require.NoError(t, err)
	require.Equal(t, server.RecordsRetention{Time: 36 * time.Hour}, cfg.RecordsRetention, "the flag wins")
	require.Equal(t, 6*time.Hour, cfg.RetentionSweepInterval)
	cfg, err = load(nil, "-records-retention", "1y30d")
	require.NoError(t, err)
	require.Equal(t, server.RecordsRetention{Years: 1, Days: 30}, cfg.RecordsRetention)

	_, err = load(nil, "-records-retention", "eight years")
	require.ErrorContains(t, err, "-records-retention")
	require.ErrorContains(t, err, `such as "8y", "90d", "36h"`)
	_, err = load(map[string]string{"COORDINATOR_RECORDS_RETENTION": "8"})
	require.ErrorContains(t, err, "COORDINATOR_RECORDS_RETENTION: must be")
	_, err = load(nil, "-records-retention", "0d", "-retention-sweep-interval", "1s")
	require.ErrorContains(t, err, "records-retention: must be a positive period")
	require.ErrorContains(t, err, "retention-sweep-interval: must be 0 (off) or at least 1m0s, not 1s")

	var out bytes.Buffer
	_, _, err = loadConfig([]string{"-help"}, func(string) string { return "" }, &out)
	require.ErrorIs(t, err, config.ErrHelp)
	require.Contains(t, out.String(), "-records-retention value [COORDINATOR_RECORDS_RETENTION]")
	require.Contains(t, out.String(), `(default "8y")`)
	require.Contains(t, out.String(), "-retention-sweep-interval duration [COORDINATOR_RETENTION_SWEEP_INTERVAL]")
}

// The vault's master key may come as a secret variable (a Kubernetes Secret injected into the
// environment) instead of a file; both at once, or a variable that is not a key, is refused.
func TestLoadConfigMasterKeyFromTheEnvironment(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	env := map[string]string{"COORDINATOR_MASTER_KEY": key}
	cfg, _, err := loadConfig([]string{"-insecure", "-patient-vault", "v.db"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, key, cfg.MasterKeyText)

	_, _, err = loadConfig([]string{"-insecure", "-patient-vault", "v.db", "-master-key-file", "m.key"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.ErrorContains(t, err, "not both")
	env["COORDINATOR_MASTER_KEY"] = "c2hvcnQ="
	_, _, err = loadConfig([]string{"-insecure", "-patient-vault", "v.db"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.ErrorContains(t, err, "COORDINATOR_MASTER_KEY: master key: must be 32 bytes in base64")
}

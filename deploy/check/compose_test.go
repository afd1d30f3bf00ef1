package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/deploy/check"
)

const composeFile = "../compose/compose.yaml"

var pathwaysServices = []string{"coordinator", "worker", "governance", "finance", "dashboard"}

// composeEnv is what an operator's .env holds (deploy/compose/.env.example names each).
func composeEnv() map[string]string {
	return map[string]string{
		"OIDC_ISSUER": "https://login.example.nhs.uk/realms/pathways", "TEMPORAL_DB_PASSWORD": "t-pw",
		"FINANCE_DB_PASSWORD": "f-pw", "DASHBOARD_DB_PASSWORD": "d-pw", "VAULT_DB_PASSWORD": "v-pw", "KURRENTDB_ADMIN_PASSWORD": "k-pw",
		"KURRENTDB_OPS_PASSWORD": "o-pw", "COORDINATOR_FINGERPRINT_KEY": "fp",
	}
}

func loadCompose(t *testing.T, path string, env map[string]string) *types.Project {
	t.Helper()
	p, err := check.LoadCompose(t.Context(), path, env)
	require.NoError(t, err)
	return p
}

func TestComposeRunsEveryServiceTwiceHardened(t *testing.T) {
	p := loadCompose(t, composeFile, composeEnv())
	require.NoError(t, check.PathwaysServices(p, 2, pathwaysServices...))

	// Interpolation and merge keys did their work: the stores, the cluster and the URLs.
	for _, name := range []string{"postgres", "temporal", "temporal-schema", "temporal-ui", "kurrentdb-certs",
		"kurrentdb-1", "kurrentdb-2", "kurrentdb-3", "otel-collector", "jaeger", "prometheus"} {
		require.Contains(t, p.Services, name)
	}
	env := func(svc, key string) string {
		v := p.Services[svc].Environment[key]
		require.NotNil(t, v, "%s: %s", svc, key)
		return *v
	}
	require.Equal(t, "postgres://finance:f-pw@postgres:5432/finance?sslmode=disable", env("finance", "FINANCE_LEDGER"))
	require.Equal(t, "postgres://vault:v-pw@postgres:5432/vault?sslmode=disable", env("coordinator", "COORDINATOR_PATIENT_VAULT"), "the replicas share a vault on PostgreSQL, not a file")
	require.Equal(t, "dns:///finance:9103", env("worker", "WORKER_FINANCE_ADDR"))
	require.Equal(t, "dns:///dashboard:9104", env("worker", "WORKER_DASHBOARD_ADDR"))
	for _, svc := range pathwaysServices {
		prefix := strings.ToUpper(svc)
		url := env(svc, prefix+"_EVENTSTORE_URL")
		require.True(t, strings.HasPrefix(url, "kurrentdb+discover://admin:k-pw@kurrentdb-1:2113,kurrentdb-2:2113,kurrentdb-3:2113?tls=true"), url)
		require.Equal(t, "/run/secrets/"+svc+"_cert", env(svc, prefix+"_TLS_CERT"))
		require.Equal(t, "http://otel-collector:4317", env(svc, "OTEL_EXPORTER_OTLP_ENDPOINT"))
	}
	for _, svc := range []string{"coordinator", "worker"} {
		require.Equal(t, "temporal:7233", env(svc, "TEMPORAL_ADDRESS"))
		require.Equal(t, "/run/secrets/payload_keys", env(svc, "PATHWAYS_PAYLOAD_KEYS_FILE"))
	}
	require.Equal(t, "172.30.240.12:2113,172.30.240.13:2113", env("kurrentdb-1", "KURRENTDB_GOSSIP_SEED"))
	require.Equal(t, "/etc/kurrentdb/certs/node3/node.key", env("kurrentdb-3", "KURRENTDB_CERTIFICATE_PRIVATE_KEY_FILE"))
}

func TestComposeRefusesAMissingSecretVariable(t *testing.T) {
	env := composeEnv()
	delete(env, "FINANCE_DB_PASSWORD")
	_, err := check.LoadCompose(t.Context(), composeFile, env)
	require.ErrorContains(t, err, "set FINANCE_DB_PASSWORD in .env")
}

// TestComposeRulesCatchEachDefect breaks a copy of the Compose file one way at a time.
func TestComposeRulesCatchEachDefect(t *testing.T) {
	b, err := os.ReadFile(composeFile)
	require.NoError(t, err)
	orig := string(b)
	finance := func(old, new string) string {
		start := strings.Index(orig, "\n  finance:\n")
		end := start + strings.Index(orig[start:], "\n  dashboard:\n")
		section := orig[start:end]
		require.Contains(t, section, old)
		return orig[:start] + strings.Replace(section, old, new, 1) + orig[end:]
	}
	const probe = `      test: ["CMD", "/usr/local/bin/healthprobe", "-addr", "127.0.0.1:9103", "-env-prefix", "FINANCE"]`
	cases := map[string]struct{ file, want string }{
		"one replica": {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    deploy: {<<: *pathways-deploy, replicas: 1}\n"),
			`service "finance": deploy.replicas must be 2`},
		"writable root":     {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    read_only: false\n"), `service "finance": read_only must be true`},
		"root user":         {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    user: \"0:0\"\n"), `service "finance": user: USER "0:0": must not be root`},
		"capabilities kept": {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    cap_drop: [NET_RAW]\n"), `service "finance": cap_drop must include ALL`},
		"no healthcheck":    {finance(probe+"\n", ""), `service "finance": no healthcheck`},
		"healthcheck off":   {finance(probe+"\n", probe+"\n      disable: true\n"), `service "finance": healthcheck disabled`},
		"no limits":         {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    deploy: {replicas: 2}\n"), `service "finance": deploy.resources.limits`},
		"another image":     {finance("target: finance}", "target: dashboard}"), `service "finance": build must be deploy/docker/Dockerfile, target "finance"`},
		"service missing":   {strings.Replace(orig, "\n  worker:\n", "\n  journey-worker:\n", 1), `service "worker": missing`},
		"schema violation":  {finance("    <<: *pathways-service\n", "    <<: *pathways-service\n    replicas_wanted: 2\n"), "replicas_wanted"},
		"malformed YAML":    {strings.Replace(orig, "services:\n", "services:\n  - ", 1), "compose file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, orig, c.file)
			path := filepath.Join(t.TempDir(), "compose.yaml")
			require.NoError(t, os.WriteFile(path, []byte(c.file), 0o600))
			p, err := check.LoadCompose(t.Context(), path, composeEnv())
			if err == nil {
				err = check.PathwaysServices(p, 2, pathwaysServices...)
			}
			require.ErrorContains(t, err, c.want)
		})
	}
}

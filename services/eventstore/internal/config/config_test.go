package config

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	require.NoError(t, os.WriteFile(cert, []byte("x"), 0o600))
	users := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(users, []byte(`[{"name":"alice","password_hash":"nope"}]`), 0o600))
	secure := func(c Config) Config { // what Load fills in besides
		if c.AdminPassword == "" {
			c.AdminPassword = "changeit"
		}
		if c.OpsPassword == "" {
			c.OpsPassword = "changeit"
		}
		return c
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr []string
	}{
		{"defaults with a data dir", []string{"--data-dir", "/d", "--insecure"}, nil, secure(Config{Listen: DefaultListen, DataDir: "/d", Insecure: true, MetricsListen: DefaultMetricsListen, ScavengeInterval: DefaultScavengeInterval}), nil},
		{"environment", nil, map[string]string{"EVENTSTORE_IN_MEMORY": "true", "EVENTSTORE_LISTEN": "0.0.0.0:1", "EVENTSTORE_METRICS_LISTEN": ":9", "EVENTSTORE_INSECURE": "true"},
			secure(Config{Listen: "0.0.0.0:1", InMemory: true, Insecure: true, MetricsListen: ":9", ScavengeInterval: DefaultScavengeInterval}), nil},
		{"an empty variable counts as unset", []string{"-in-memory", "-insecure"}, map[string]string{"EVENTSTORE_LISTEN": "", "EVENTSTORE_METRICS_LISTEN": ""},
			secure(Config{Listen: DefaultListen, InMemory: true, Insecure: true, MetricsListen: DefaultMetricsListen, ScavengeInterval: DefaultScavengeInterval}), nil},
		{"flags beat environment", []string{"--listen", "127.0.0.1:5", "-metrics-listen=", "-insecure"}, map[string]string{"EVENTSTORE_LISTEN": "0.0.0.0:1", "EVENTSTORE_DATA_DIR": "/e"},
			secure(Config{Listen: "127.0.0.1:5", DataDir: "/e", Insecure: true, ScavengeInterval: DefaultScavengeInterval}), nil},
		{"secure: tls pair, CA, passwords", []string{"--in-memory", "--tls-cert", cert, "--tls-key", cert, "-tls-ca-file", cert, "-default-admin-password", "a"},
			map[string]string{"EVENTSTORE_DEFAULT_OPS_PASSWORD": "o"},
			Config{Listen: DefaultListen, InMemory: true, TLSCert: cert, TLSKey: cert, TLSCAFile: cert, MetricsListen: DefaultMetricsListen,
				AdminPassword: "a", OpsPassword: "o", ScavengeInterval: DefaultScavengeInterval}, nil},
		{"scavenge interval from the environment", []string{"-in-memory", "-insecure"}, map[string]string{"EVENTSTORE_SCAVENGE_INTERVAL": "90m"},
			secure(Config{Listen: DefaultListen, InMemory: true, Insecure: true, MetricsListen: DefaultMetricsListen, ScavengeInterval: 90 * time.Minute}), nil},
		{"scavenge interval 0 turns periodic scavenges off", []string{"-in-memory", "-insecure", "-scavenge-interval=0"}, map[string]string{"EVENTSTORE_SCAVENGE_INTERVAL": "1h"},
			secure(Config{Listen: DefaultListen, InMemory: true, Insecure: true, MetricsListen: DefaultMetricsListen}), nil},
		{"a negative scavenge interval", []string{"-in-memory", "-insecure", "-scavenge-interval=-1s"}, nil, Config{},
			[]string{"scavenge-interval -1s: must not be negative"}},
		{"secure by default: TLS required", []string{"--in-memory"}, nil, Config{},
			[]string{"tls-cert and tls-key are required", "-insecure for plaintext without authentication"}},
		{"insecure refuses TLS files", []string{"--in-memory", "--insecure", "--tls-cert", cert}, nil, Config{},
			[]string{"insecure runs without TLS: tls-cert, tls-key and tls-ca-file must not be set"}},
		{"empty passwords", []string{"--in-memory", "--tls-cert", cert, "--tls-key", cert, "-default-admin-password=", "-default-ops-password="}, nil, Config{},
			[]string{"default-admin-password: must not be empty", "default-ops-password: must not be empty"}},
		{"a bad users file", []string{"--in-memory", "--tls-cert", cert, "--tls-key", cert}, map[string]string{"EVENTSTORE_USERS_FILE": users}, Config{},
			[]string{`entry 0: user "alice": password_hash: must be a bcrypt hash`}},
		{"a malformed variable", []string{"-data-dir", "/d", "-insecure"}, map[string]string{"EVENTSTORE_IN_MEMORY": "yes please"}, Config{},
			[]string{`EVENTSTORE_IN_MEMORY: must be true or false, not "yes please"`}},
		{"every problem at once", []string{"--listen", "nope", "--tls-cert", "/missing.pem", "--metrics-listen", "bad"}, nil, Config{},
			[]string{"listen \"nope\"", "data-dir is required", "tls-cert and tls-key are required", "/missing.pem", "metrics-listen \"bad\""}},
		{"both storage modes", []string{"--in-memory", "--data-dir", "/d", "-insecure"}, nil, Config{}, []string{"exclusive"}},
		{"stray argument", []string{"--in-memory", "-insecure", "extra"}, nil, Config{}, []string{`unexpected arguments after the flags: ["extra"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Load(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != nil {
				require.Error(t, err)
				for _, w := range tt.wantErr {
					require.ErrorContains(t, err, w)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

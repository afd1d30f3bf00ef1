package config

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	require.NoError(t, os.WriteFile(cert, []byte("x"), 0o600))
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr []string
	}{
		{"defaults with a data dir", []string{"--data-dir", "/d"}, nil, Config{Listen: DefaultListen, DataDir: "/d", MetricsListen: DefaultMetricsListen}, nil},
		{"environment", nil, map[string]string{"EVENTSTORE_IN_MEMORY": "true", "EVENTSTORE_LISTEN": "0.0.0.0:1", "EVENTSTORE_METRICS_LISTEN": ":9"},
			Config{Listen: "0.0.0.0:1", InMemory: true, MetricsListen: ":9"}, nil},
		{"an empty variable counts as unset", []string{"-in-memory"}, map[string]string{"EVENTSTORE_LISTEN": "", "EVENTSTORE_METRICS_LISTEN": ""},
			Config{Listen: DefaultListen, InMemory: true, MetricsListen: DefaultMetricsListen}, nil},
		{"flags beat environment", []string{"--listen", "127.0.0.1:5", "-metrics-listen="}, map[string]string{"EVENTSTORE_LISTEN": "0.0.0.0:1", "EVENTSTORE_DATA_DIR": "/e"},
			Config{Listen: "127.0.0.1:5", DataDir: "/e"}, nil},
		{"tls pair", []string{"--in-memory", "--tls-cert", cert, "--tls-key", cert}, nil,
			Config{Listen: DefaultListen, InMemory: true, TLSCert: cert, TLSKey: cert, MetricsListen: DefaultMetricsListen}, nil},
		{"a malformed variable", []string{"-data-dir", "/d"}, map[string]string{"EVENTSTORE_IN_MEMORY": "yes please"}, Config{},
			[]string{`EVENTSTORE_IN_MEMORY: must be true or false, not "yes please"`}},
		{"every problem at once", []string{"--listen", "nope", "--tls-cert", "/missing.pem", "--metrics-listen", "bad"}, nil, Config{},
			[]string{"listen \"nope\"", "data-dir is required", "tls-cert and tls-key must be given together", "/missing.pem", "metrics-listen \"bad\""}},
		{"both storage modes", []string{"--in-memory", "--data-dir", "/d"}, nil, Config{}, []string{"exclusive"}},
		{"stray argument", []string{"--in-memory", "extra"}, nil, Config{}, []string{`unexpected arguments after the flags: ["extra"]`}},
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

package telemetry

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		errors []string
	}{
		{"a name alone is enough", Config{ServiceName: "finance"}, nil},
		{"every exporter at once", Config{ServiceName: "finance", OTLPEndpoint: "https://collector.example:4317",
			TraceFile: "spans.jsonl", MetricInterval: time.Second}, nil},
		{"every problem is listed", Config{ServiceName: " ", OTLPEndpoint: "collector:4317", TraceFile: "  ", MetricInterval: -time.Second},
			[]string{"service-name: is required", "otlp-endpoint: must be an http:// or https:// URL", "trace-file: must be a file path",
				"metric-interval: must not be negative"}},
		{"an endpoint without a host", Config{ServiceName: "x", OTLPEndpoint: "http://"}, []string{"otlp-endpoint:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.errors == nil {
				require.NoError(t, err)
				return
			}
			for _, want := range tt.errors {
				require.ErrorContains(t, err, want)
			}
		})
	}
}

func TestRegisterFlags(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Config
	}{
		{"defaults: nothing exported", nil, nil, Config{ServiceName: "governance"}},
		{"the standard variables", map[string]string{EnvOTLPEndpoint: "http://otel:4317", EnvServiceName: "governance-eu", EnvTraceFile: "/tmp/s.jsonl"},
			nil, Config{ServiceName: "governance-eu", OTLPEndpoint: "http://otel:4317", TraceFile: "/tmp/s.jsonl"}},
		{"an empty variable counts as unset", map[string]string{EnvServiceName: ""}, nil, Config{ServiceName: "governance"}},
		{"flags win over the environment", map[string]string{EnvOTLPEndpoint: "http://otel:4317"},
			[]string{"-otlp-endpoint", "http://other:4317", "-trace-file", "t.jsonl"},
			Config{ServiceName: "governance", OTLPEndpoint: "http://other:4317", TraceFile: "t.jsonl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{ServiceName: "governance"}
			fs := config.New("governance", func(k string) string { return tt.env[k] }, io.Discard)
			cfg.RegisterFlags(fs)
			require.NoError(t, fs.Parse(tt.args))
			require.NoError(t, fs.Check(cfg.Validate()))
			require.Equal(t, tt.want, cfg)
		})
	}
}

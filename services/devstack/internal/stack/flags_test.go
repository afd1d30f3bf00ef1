package stack_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c stack.Config)
		wantErr []string
	}{
		{name: "defaults", check: func(t *testing.T, c stack.Config) {
			require.Equal(t, stack.DefaultConfig().Ports, c.Ports)
			require.Equal(t, ".data", c.DataDir)
			require.True(t, c.UI)
			require.False(t, c.Demo)
		}},
		{name: "environment, then flags win", args: []string{"--demo", "--temporal-port", "7300"},
			env: map[string]string{"DEVSTACK_DATA_DIR": "/tmp/x", "DEVSTACK_TEMPORAL_PORT": "7299", "DEVSTACK_UI": "false"},
			check: func(t *testing.T, c stack.Config) {
				require.Equal(t, "/tmp/x", c.DataDir)
				require.Equal(t, 7300, c.Ports.Temporal)
				require.False(t, c.UI)
				require.True(t, c.Demo)
			}},
		{name: "every problem at once", args: []string{"--data-dir", " ", "--governance-port", "70000", "--finance-port", "9101"},
			env: map[string]string{"DEVSTACK_DEMO": "maybe", "DEVSTACK_UI_PORT": "x"},
			wantErr: []string{"data-dir: is required", "governance-port: must be a port 0..65535, not 70000",
				"finance-port: port 9101 is already taken by coordinator-port", `DEVSTACK_DEMO: must be true or false, not "maybe"`,
				`DEVSTACK_UI_PORT: must be a whole number, not "x"`}},
		{name: "telemetry: trace file and the standard collector variable", args: []string{"--trace-file", "/tmp/spans.jsonl"},
			env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
			check: func(t *testing.T, c stack.Config) {
				require.Equal(t, "/tmp/spans.jsonl", c.TraceFile)
				require.Equal(t, "http://collector:4317", c.OTLPEndpoint)
				require.Equal(t, "pathways-devstack", c.Telemetry().ServiceName)
			}},
		{name: "telemetry: DEVSTACK_OTLP_ENDPOINT wins over the standard variable",
			env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "DEVSTACK_OTLP_ENDPOINT": "http://other:4317"},
			check: func(t *testing.T, c stack.Config) {
				require.Equal(t, "http://other:4317", c.OTLPEndpoint)
				require.Empty(t, c.TraceFile)
			}},
		{name: "telemetry: a collector address without a scheme", args: []string{"--otlp-endpoint", "collector:4317"},
			wantErr: []string{"otlp-endpoint: must be an http:// or https:// URL"}},
		{name: "patient data: records retention, scavenging, dashboard rebuild",
			args: []string{"--records-retention", "90d", "--scavenge-interval", "1h", "--rebuild-dashboard"},
			check: func(t *testing.T, c stack.Config) {
				require.Equal(t, "90d", c.RecordsRetention.String())
				require.Equal(t, time.Hour, c.ScavengeInterval)
				require.True(t, c.RebuildDashboard)
				def := stack.DefaultConfig().RecordsRetention
				require.Equal(t, "8y", def.String(), "the NHS Code's 8 years by default")
			}},
		{name: "a records retention in words is refused", args: []string{"--records-retention", "8 years"},
			wantErr: []string{"-records-retention: must be years, days and/or a duration"}},
		{name: "a negative scavenge interval is refused", args: []string{"--scavenge-interval", "-1h"},
			wantErr: []string{"scavenge-interval: must be 0 (off) or more"}},
		{name: "stray arguments", args: []string{"demo"}, wantErr: []string{`unexpected arguments after the flags: ["demo"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := stack.LoadConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != nil {
				require.Error(t, err)
				for _, want := range tt.wantErr {
					require.Contains(t, err.Error(), want)
				}
				return
			}
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

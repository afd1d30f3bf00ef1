package server

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Config)
		errors []string
	}{
		{"defaults are valid", func(*Config) {}, nil},
		{"every problem is listed at once", func(c *Config) {
			c.TemporalAddress, c.FinanceAddr, c.Namespace, c.EventStoreURL, c.Actor = "localhost", "", " ", "http://x", ""
			c.MetricsListen = "9115"
		}, []string{"temporal-address: must be host:port", "finance-addr: must be host:port", "namespace: is required", "metrics-listen: must be host:port",
			"eventstore-url: must be an esdb://", "actor: is required"}},
		{"a cluster connection string is accepted", func(c *Config) { c.EventStoreURL = "esdb+discover://db.example:2113" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg)
			err := cfg.Validate()
			if tt.errors == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tt.errors {
				require.ErrorContains(t, err, want)
			}
		})
	}
}

func TestStartRefusesAnInvalidConfigBeforeDialling(t *testing.T) {
	cfg := DefaultConfig()
	cfg.GovernanceAddr = "nowhere"
	_, err := Start(t.Context(), cfg)
	require.ErrorContains(t, err, "governance-addr: must be host:port")
}

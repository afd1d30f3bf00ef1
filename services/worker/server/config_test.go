package server

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

func TestConfigValidate(t *testing.T) {
	ca := devcatest.New(t, "worker")
	withCert := func(c *Config) {
		c.Security.TLS = ca.Settings("worker")
		c.Temporal.PayloadKeysFile = "payload-keys.json" // Validate names the file; Start reads it
	}
	tests := []struct {
		name   string
		edit   func(*Config)
		errors []string
	}{
		{"secure by default: no certificate and no -insecure is refused, naming the flags", func(*Config) {},
			[]string{"tls-cert, tls-key: required", "spiffe://pathways.local/worker", "-insecure"}},
		{"the worker's certificate", withCert, nil},
		{"-insecure for development on loopback", func(c *Config) { c.Security = secure.Insecure() }, nil},
		{"secure without payload keys is refused, naming the setting", func(c *Config) {
			withCert(c)
			c.Temporal.PayloadKeysFile = ""
		}, []string{"payload-keys-file: required"}},
		{"every problem is listed at once", func(c *Config) {
			c.Security = secure.Insecure()
			c.Temporal.Address, c.FinanceAddr, c.Temporal.Namespace, c.EventStoreURL = "localhost", "", " ", "http://x"
			c.MetricsListen = "9115"
		}, []string{"temporal-address: must be host:port", "finance-addr: must be host:port", "namespace: is required", "metrics-listen: must be host:port",
			"eventstore-url: must be an esdb://"}},
		{"a cluster connection string is accepted", func(c *Config) { withCert(c); c.EventStoreURL = "esdb+discover://db.example:2113" }, nil},
		{"KurrentDB's connection strings are accepted", func(c *Config) {
			withCert(c)
			c.EventStoreURL = "kurrentdb+discover://worker:pw@node1:2113,node2:2113,node3:2113?tls=true&tlsCAFile=/etc/pathways/ca.crt"
		}, nil},
		{"another scheme is refused without repeating the string", func(c *Config) { withCert(c); c.EventStoreURL = "kurrent://worker:pw@db.example:2113" },
			[]string{`eventstore-url: must be an esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string, not one with the scheme "kurrent"`}},
		{"/metrics off loopback needs TLS", func(c *Config) { c.MetricsListen = ":9115" }, []string{`listen address ":9115": refusing to serve plaintext off loopback`}},
		{"/metrics off loopback over TLS", func(c *Config) { withCert(c); c.MetricsListen = ":9115" }, nil},
		{"plaintext to a Temporal off loopback is refused", func(c *Config) { withCert(c); c.Temporal.Address = "temporal.example:7233" },
			[]string{`temporal-address "temporal.example:7233": refusing plaintext off loopback`}},
		{"TLS to a Temporal off loopback", func(c *Config) {
			withCert(c)
			c.Temporal.Address, c.Temporal.TLS.ServerCACertPath = "temporal.example:7233", ca.CAFile
		}, nil},
		{"-insecure and TLS settings together are refused", func(c *Config) { withCert(c); c.Security.TLS.Insecure = true }, []string{"insecure: cannot be combined"}},
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
	require.ErrorContains(t, err, "tls-cert, tls-key: required", "secure by default")
}

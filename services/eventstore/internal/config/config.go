// Package config loads and validates the event store's configuration from
// flags with environment-variable equivalents (EVENTSTORE_<FLAG>), read the
// platform's one way (services/platform/config).
package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Config is the server's whole configuration.
type Config struct {
	Listen        string // gRPC address
	DataDir       string // Pebble directory (durable mode)
	InMemory      bool   // keep everything in memory (tests)
	TLSCert       string // PEM certificate; TLS when set with TLSKey
	TLSKey        string // PEM private key
	MetricsListen string // /metrics address (platform/metrics); empty disables
}

// DefaultListen is the EventStoreDB default gRPC address.
const DefaultListen = "127.0.0.1:2113"

// DefaultMetricsListen is where the binary serves /metrics unless told otherwise.
const DefaultMetricsListen = "127.0.0.1:2114"

// Load reads the flags over the EVENTSTORE_* (and telemetry) environment variables over the
// defaults (platform/config: an empty variable counts as unset), then validates, listing every
// problem. It returns config.ErrHelp / config.ErrVersion after printing the usage or version to out.
func Load(args []string, getenv func(string) string, out io.Writer) (Config, telemetry.Config, error) {
	c := Config{Listen: DefaultListen, MetricsListen: DefaultMetricsListen}
	tel := telemetry.Config{ServiceName: "eventstore"}
	fs := config.New("eventstore", getenv, out)
	fs.Summary("eventstore is a single-node event store speaking the EventStoreDB gRPC protocol, durable on Pebble.")
	fs.String(&c.Listen, "listen", "EVENTSTORE_LISTEN", "gRPC address")
	fs.String(&c.DataDir, "data-dir", "EVENTSTORE_DATA_DIR", "data directory, required unless -in-memory")
	fs.Bool(&c.InMemory, "in-memory", "EVENTSTORE_IN_MEMORY", "keep all data in memory (tests)")
	fs.String(&c.TLSCert, "tls-cert", "EVENTSTORE_TLS_CERT", "TLS certificate file (PEM)")
	fs.String(&c.TLSKey, "tls-key", "EVENTSTORE_TLS_KEY", "TLS key file (PEM)")
	fs.String(&c.MetricsListen, "metrics-listen", "EVENTSTORE_METRICS_LISTEN", "Prometheus /metrics address (-metrics-listen= turns it off)")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, tel, err
	}
	return c, tel, fs.Check(c.Validate(), tel.Validate())
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: must be host:port: %w", c.Listen, err))
	}
	switch {
	case c.InMemory && c.DataDir != "":
		errs = append(errs, errors.New("data-dir and in-memory are exclusive"))
	case !c.InMemory && c.DataDir == "":
		errs = append(errs, errors.New("data-dir is required unless in-memory is set"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key must be given together"))
	}
	for _, f := range []string{c.TLSCert, c.TLSKey} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("tls file: %w", err))
		}
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics-listen %q: must be host:port: %w", c.MetricsListen, err))
		}
	}
	return errors.Join(errs...)
}

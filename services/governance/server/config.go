// Package server runs the governance service: it wires the journal, the application and the gRPC
// API together and serves them until closed. cmd/governance and the devstack both start it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// Defaults of Config.
const (
	DefaultListen        = "127.0.0.1:9102"
	DefaultEventStoreURL = "esdb://127.0.0.1:2113?tls=false"
	// DefaultMetricsListen is where cmd/governance serves /metrics unless told otherwise (the
	// Config's own default is off, for tests and the devstack).
	DefaultMetricsListen = "127.0.0.1:9112"
)

// Config is everything the service needs to start.
type Config struct {
	// Listen is the gRPC address (host:port; port 0 picks a free one).
	Listen string
	// EventStoreURL is the esdb:// or kurrentdb:// (or +discover) connection string of the event store.
	EventStoreURL string
	// SeedBuiltin seeds the built-in pathways (msk v1, copd v1) as published versions when their
	// streams do not exist yet.
	SeedBuiltin bool
	// MetricsListen serves the process's metrics (platform/metrics) on /metrics when not empty.
	MetricsListen string
	// Security is TLS, OpenID Connect and the access table (platform/secure); secure by
	// default, secure.Insecure() for a development server on loopback.
	Security secure.Config
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, EventStoreURL: DefaultEventStoreURL, SeedBuiltin: true, Security: secure.Default()}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := checkAddr("listen", c.Listen); err != nil {
		errs = append(errs, err)
	}
	if c.MetricsListen != "" {
		if err := checkAddr("metrics-listen", c.MetricsListen); err != nil {
			errs = append(errs, err)
		}
	}
	if err := events.CheckConnectionString(c.EventStoreURL); err != nil {
		errs = append(errs, fmt.Errorf("eventstore-url: %w", err))
	}
	errs = append(errs, c.Security.Validate(c.Listen, c.MetricsListen))
	return errors.Join(errs...)
}

func checkAddr(name, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s: must be host:port, not %q: %w", name, addr, err)
	}
	return nil
}

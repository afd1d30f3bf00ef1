// Package server runs the finance service: it wires the SQLite ledger, the outbox relay to the
// event store, the application and the gRPC and HTTP APIs, and serves them until closed.
// cmd/finance and the devstack both start it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// Defaults of Config.
const (
	DefaultListen          = "127.0.0.1:9103"
	DefaultEventStoreURL   = "esdb://127.0.0.1:2113?tls=false"
	DefaultLedger          = "finance.db"
	DefaultReleaseInterval = time.Minute
)

// Config is everything the service needs to start.
type Config struct {
	// Listen is the gRPC address (host:port; port 0 picks a free one).
	Listen string
	// HTTPListen serves /export.csv and /metrics (Prometheus) when not empty, over TLS when
	// Security has a certificate.
	HTTPListen string
	// EventStoreURL is the esdb:// or kurrentdb:// (or +discover) connection string the capitation events are relayed to;
	// empty turns the relay off (events wait in the outbox, the feed still serves them).
	EventStoreURL string
	// Ledger is where the ledger is kept: a SQLite file (the embedded default, one instance), or
	// a PostgreSQL URL (postgres://user:password@host:5432/finance?sslmode=verify-full), which any
	// number of finance replicas share.
	Ledger string
	// ReleaseInterval is how often due allocation periods are released.
	ReleaseInterval time.Duration
	// Security is TLS on both listeners, OpenID Connect for people, client certificates for
	// services and the access table (platform/secure, access.FinancePolicy); secure by default,
	// secure.Insecure() for a development server on loopback.
	Security secure.Config
	// HTTP bounds the HTTP listener's requests (timeouts, header and body size).
	HTTP limits.HTTPConfig
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AfterCommit, if set, runs after every durable ledger commit and before any caller is
	// answered. Fault injection for crash tests; leave nil in production.
	AfterCommit func()
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, EventStoreURL: DefaultEventStoreURL, Ledger: DefaultLedger,
		ReleaseInterval: DefaultReleaseInterval, Security: secure.Default(), HTTP: limits.DefaultHTTPConfig()}
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var errs []error
	if err := checkAddr("listen", c.Listen); err != nil {
		errs = append(errs, err)
	}
	if c.HTTPListen != "" {
		if err := checkAddr("http-listen", c.HTTPListen); err != nil {
			errs = append(errs, err)
		}
	}
	if err := events.CheckConnectionString(c.EventStoreURL); c.EventStoreURL != "" && err != nil {
		errs = append(errs, fmt.Errorf("eventstore-url: %w (or empty: no relay)", err))
	}
	if err := adapters.CheckLedger(c.Ledger); err != nil {
		errs = append(errs, fmt.Errorf("ledger: %w", err))
	}
	if c.ReleaseInterval <= 0 {
		errs = append(errs, fmt.Errorf("release-interval: must be positive, not %s", c.ReleaseInterval))
	}
	errs = append(errs, c.Security.Validate(c.Listen, c.HTTPListen), c.HTTP.Validate())
	return errors.Join(errs...)
}

func checkAddr(name, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s: must be host:port, not %q: %w", name, addr, err)
	}
	return nil
}

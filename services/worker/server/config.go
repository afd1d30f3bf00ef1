// Package server runs the journey worker: it dials Temporal, the event store, governance, finance
// and the dashboard, registers the journey workflow and its activities on the journeys task queue
// and polls until stopped. cmd/worker starts it here.
package server

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// Defaults of Config: the local ports of the other services.
const (
	DefaultTemporalAddress = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	DefaultEventStoreURL   = "esdb://127.0.0.1:2113?tls=false"
	DefaultGovernanceAddr  = "127.0.0.1:9102"
	DefaultFinanceAddr     = "127.0.0.1:9103"
	DefaultDashboardAddr   = "127.0.0.1:9104"
	DefaultActor           = "journey-worker"
	// DefaultMetricsListen is where cmd/worker serves /metrics unless told otherwise (the
	// Config's own default is off, for tests).
	DefaultMetricsListen = "127.0.0.1:9115"
)

// Config is everything the worker needs to start.
type Config struct {
	// TemporalAddress is the Temporal frontend, host:port.
	TemporalAddress string
	// Namespace is the Temporal namespace journeys run in.
	Namespace string
	// EventStoreURL is the esdb:// connection string of the event store.
	EventStoreURL string
	// GovernanceAddr, FinanceAddr and DashboardAddr are the gRPC addresses of those services.
	GovernanceAddr string
	FinanceAddr    string
	DashboardAddr  string
	// Actor is the identity the worker gives governance (x-actor).
	Actor string
	// MetricsListen serves the process's metrics (platform/metrics: the Temporal SDK's, the
	// activities' gRPC clients') on /metrics when not empty.
	MetricsListen string
	// RegisterSearchAttributes adds the journey search attributes to the namespace at start.
	RegisterSearchAttributes bool
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		TemporalAddress: DefaultTemporalAddress, Namespace: DefaultNamespace, EventStoreURL: DefaultEventStoreURL,
		GovernanceAddr: DefaultGovernanceAddr, FinanceAddr: DefaultFinanceAddr, DashboardAddr: DefaultDashboardAddr,
		Actor: DefaultActor, RegisterSearchAttributes: true,
	}
}

// Validate reports every problem with the configuration at once.
func (c Config) Validate() error {
	var errs []error
	for _, a := range []struct{ name, addr string }{
		{"temporal-address", c.TemporalAddress}, {"governance-addr", c.GovernanceAddr},
		{"finance-addr", c.FinanceAddr}, {"dashboard-addr", c.DashboardAddr},
	} {
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: must be host:port, not %q: %w", a.name, a.addr, err))
		}
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics-listen: must be host:port, not %q: %w", c.MetricsListen, err))
		}
	}
	if strings.TrimSpace(c.Namespace) == "" {
		errs = append(errs, errors.New("namespace: is required"))
	}
	if !strings.HasPrefix(c.EventStoreURL, "esdb://") && !strings.HasPrefix(c.EventStoreURL, "esdb+discover://") {
		errs = append(errs, fmt.Errorf("eventstore-url: must be an esdb:// or esdb+discover:// connection string, not %q", c.EventStoreURL))
	}
	if strings.TrimSpace(c.Actor) == "" {
		errs = append(errs, errors.New("actor: is required"))
	}
	return errors.Join(errs...)
}

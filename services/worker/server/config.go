// Package server runs the journey worker: it dials Temporal, the event store, governance, finance
// and the dashboard, registers the journey workflow and its activities on the journeys task queue
// and polls until stopped. cmd/worker starts it here.
//
// The worker is secure by default: it calls governance, finance and the dashboard over mutual TLS
// with its own certificate (spiffe://pathways.local/worker, the identity their access tables
// accept), serves /metrics over TLS with that certificate, and refuses plaintext to a Temporal
// frontend off loopback. -insecure (secure.Insecure()) turns TLS off for development on loopback.
package server

import (
	"errors"
	"fmt"
	"net"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/platform/dial"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Defaults of Config: the local ports of the other services.
const (
	DefaultTemporalAddress = journey.DefaultTemporalAddress
	DefaultNamespace       = journey.DefaultTemporalNamespace
	DefaultEventStoreURL   = "esdb://127.0.0.1:2113?tls=false"
	DefaultGovernanceAddr  = "127.0.0.1:9102"
	DefaultFinanceAddr     = "127.0.0.1:9103"
	DefaultDashboardAddr   = "127.0.0.1:9104"
	// DefaultMetricsListen is where cmd/worker serves /metrics unless told otherwise (the
	// Config's own default is off, for tests).
	DefaultMetricsListen = "127.0.0.1:9115"
)

// Config is everything the worker needs to start.
type Config struct {
	// Temporal is the Temporal frontend, namespace, TLS and API key (the TEMPORAL_* variables).
	Temporal journey.TemporalConnection
	// EventStoreURL is the esdb:// or kurrentdb:// (or +discover) connection string of the event store (its own TLS and
	// credentials are in it).
	EventStoreURL string
	// GovernanceAddr, FinanceAddr and DashboardAddr are the gRPC addresses of those services, each
	// "host:port", "dns:///name:port" (every address of name a replica) or a list
	// "host1:port,host2:port"; calls go round robin over the healthy replicas (platform/dial).
	GovernanceAddr string
	FinanceAddr    string
	DashboardAddr  string
	// MetricsListen serves the process's metrics (platform/metrics: the Temporal SDK's, the
	// activities' gRPC clients') on /metrics when not empty.
	MetricsListen string
	// RegisterSearchAttributes adds the journey search attributes to the namespace at start.
	RegisterSearchAttributes bool
	// Security is the worker's TLS (platform/secure): its certificate, presented to governance,
	// finance and the dashboard (mutual TLS) and served on /metrics, and the CA they are verified
	// against. Only Security.TLS applies: the worker serves no API that takes tokens. Secure by
	// default (a certificate is required); secure.Insecure() for development on loopback.
	Security secure.Config
}

// DefaultConfig returns the defaults: secure, waiting for the worker's certificate.
func DefaultConfig() Config {
	return Config{
		Temporal: journey.DefaultTemporalConnection(), EventStoreURL: DefaultEventStoreURL,
		GovernanceAddr: DefaultGovernanceAddr, FinanceAddr: DefaultFinanceAddr, DashboardAddr: DefaultDashboardAddr,
		RegisterSearchAttributes: true, Security: secure.Default(),
	}
}

// Validate reports every problem with the configuration at once.
func (c Config) Validate() error {
	var errs []error
	for _, a := range []struct{ name, addr string }{
		{"governance-addr", c.GovernanceAddr}, {"finance-addr", c.FinanceAddr}, {"dashboard-addr", c.DashboardAddr},
	} {
		if err := dial.Check(a.name, a.addr); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			errs = append(errs, fmt.Errorf("metrics-listen: must be host:port, not %q: %w", c.MetricsListen, err))
		}
	}
	if err := events.CheckConnectionString(c.EventStoreURL); err != nil {
		errs = append(errs, fmt.Errorf("eventstore-url: %w", err))
	}
	tlsc := c.Security.TLS
	if !tlsc.Insecure && !tlsc.Server.Enabled() {
		errs = append(errs, errors.New("tls-cert, tls-key: required: the worker's certificate (spiffe://pathways.local/worker) "+
			"is how governance, finance and the dashboard know it (or -insecure to call them in plaintext, for development on loopback)"))
	}
	errs = append(errs, c.Temporal.Validate(), c.Temporal.CheckPlaintext(tlsc.Insecure), tlsc.Validate(), tlsc.CheckBind(c.MetricsListen))
	return errors.Join(errs...)
}

package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

// Endpoint is one address a service listens on, for the banner and for clients.
type Endpoint struct {
	Service string
	API     string
	Address string
}

// Stack is the running system. Close stops it; it is not safe to Close concurrently.
type Stack struct {
	cfg Config
	sec *security
	// payloadKeys encrypt every Temporal payload (startPayloadKeys).
	payloadKeys *payloadcrypt.Keyring
	endpoints   []Endpoint
	stops       []stop
	// Addresses of the running services, for the demo loader and tests.
	TemporalAddr, UIAddr, EventStoreURL, GovernanceAddr, FinanceAddr string
	CoordinatorAddr, CoordinatorHTTPAddr, DashboardAddr              string
}

type stop struct {
	name string
	fn   func() error
}

// Start brings every service up in dependency order. On failure it stops what it started.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("devstack config: %w", err)
	}
	s := &Stack{cfg: cfg}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"security", s.startSecurity}, {"payload keys", s.startPayloadKeys}, {"temporal", s.startTemporal}, {"eventstore", s.startEventStore}, {"governance", s.startGovernance},
		{"finance", s.startFinance}, {"dashboard", s.startDashboard}, {"worker", s.startWorker},
		{"coordinator", s.startCoordinator},
	}
	for _, step := range steps {
		if err := step.fn(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("start %s: %w", step.name, err), s.Close())
		}
		slog.DebugContext(ctx, "devstack: started", "service", step.name)
	}
	return s, nil
}

// Endpoints lists where each service listens, in start order.
func (s *Stack) Endpoints() []Endpoint { return s.endpoints }

// Config is the configuration the stack runs with.
func (s *Stack) Config() Config { return s.cfg }

// Close stops the services in reverse start order and reports every failure.
func (s *Stack) Close() error {
	var errs []error
	for i := len(s.stops) - 1; i >= 0; i-- {
		if err := s.stops[i].fn(); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", s.stops[i].name, err))
		}
	}
	s.stops = nil
	return errors.Join(errs...)
}

func (s *Stack) onStop(name string, fn func() error) { s.stops = append(s.stops, stop{name, fn}) }

func (s *Stack) onStopVoid(name string, fn func()) {
	s.onStop(name, func() error { fn(); return nil })
}

func (s *Stack) listens(service, api, addr string) {
	s.endpoints = append(s.endpoints, Endpoint{Service: service, API: api, Address: addr})
}

// Package journeytest runs journeys on a real Temporal server (temporaltest, in process) wired as
// production wires them, through the same functions: the client is built from
// journey.ClientOptions and the worker by journey.NewWorker (so the tracing interceptor is the
// client's only, as in services/worker). Around it: the embedded event store (in memory), a
// journal on it and in-test finance and dashboard ingest servers (ingesttest). The integration
// tests of workflows/integration and services/coordinator/integration build their stacks here.
//
// It links the Temporal server: tests importing it are slow to build and run without -race (see
// NORACE_GROUPS in the Makefile).
package journeytest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Stack is a running Temporal server with a client of journeys, an event store and ingest
// servers; StartWorker adds the journey worker. Everything stops when the test ends.
type Stack struct {
	// Client is a Temporal client of the stack's namespace, built from journey.ClientOptions.
	Client client.Client
	// Namespace is the namespace journeys run in (their search attributes registered).
	Namespace string
	// FrontendAddr is the Temporal frontend's host:port, for a process that dials it itself.
	FrontendAddr string
	// EventStoreURL is the esdb:// URL of the embedded event store; Journal is open on it.
	EventStoreURL string
	Journal       *events.Journal
	// Ingest are the in-test finance and dashboard ingest servers.
	Ingest *ingesttest.Servers

	t testing.TB
}

// Option changes how the stack is built.
type Option func(*journey.Telemetry)

// WithTracerProvider records the Temporal client's and worker's spans on tp instead of the
// global tracer provider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(tel *journey.Telemetry) { tel.TracerProvider = tp }
}

// New starts the event store, the ingest servers and a Temporal server, dials the client and
// registers the journey search attributes; no worker yet (StartWorker).
func New(t testing.TB, opts ...Option) *Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := embedded.Start(ctx, embedded.Options{InMemory: true})
	if err != nil {
		t.Fatalf("journeytest: event store: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	journal, err := events.Open(ctx, store.URL())
	if err != nil {
		t.Fatalf("journeytest: journal: %v", err)
	}
	t.Cleanup(func() { _ = journal.Close() })

	// SDK logs go to the test's output (shown when it fails or with -v), warnings and errors only.
	tel := journey.Telemetry{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}
	for _, o := range opts {
		o(&tel)
	}
	copts, err := journey.ClientOptions(tel)
	if err != nil {
		t.Fatalf("journeytest: %v", err)
	}
	serverOpts := []temporaltest.TestServerOption{temporaltest.WithBaseClientOptions(copts)}
	tt, ok := t.(*testing.T)
	if ok {
		serverOpts = append(serverOpts, temporaltest.WithT(tt))
	}
	ts := temporaltest.NewServer(serverOpts...)
	if !ok {
		t.Cleanup(ts.Stop) // a benchmark: WithT takes a *testing.T only
	}
	c := ts.GetDefaultClient()
	if err := journey.RegisterSearchAttributes(ctx, c, ts.GetDefaultNamespace()); err != nil {
		t.Fatalf("journeytest: %v", err)
	}
	return &Stack{Client: c, Namespace: ts.GetDefaultNamespace(), FrontendAddr: ts.GetFrontendHostPort(), EventStoreURL: store.URL(), Journal: journal,
		Ingest: ingesttest.Start(t), t: t}
}

// Start is New with a worker running the default Activities.
func Start(t testing.TB, opts ...Option) *Stack {
	t.Helper()
	s := New(t, opts...)
	s.StartWorker(s.Activities())
	return s
}

// Activities returns the activities a worker of the stack runs unless told otherwise: the stack's
// journal, version 1 of the built-in msk and copd pathways, the ingest servers.
func (s *Stack) Activities() *journey.Activities {
	s.t.Helper()
	versions := journey.StaticVersions{}
	for _, id := range []string{"msk", "copd"} {
		doc, err := pathway.BuiltinYAML(id, 1)
		if err != nil {
			s.t.Fatalf("journeytest: built-in pathway %s: %v", id, err)
		}
		versions[id] = journey.PinnedVersion{Version: 1, DefinitionYAML: string(doc)}
	}
	return &journey.Activities{Journal: s.Journal, Versions: versions,
		Finance: s.Ingest.FinanceClient(), Dashboard: s.Ingest.DashboardClient()}
}

// StartWorker starts a journey worker running acts (journey.NewWorker, as services/worker does)
// until the test ends. A workflow that panics or meets non-determinism fails at once instead of
// waiting for a fix, so the test sees it.
func (s *Stack) StartWorker(acts *journey.Activities) {
	s.t.Helper()
	w := journey.NewWorker(s.Client, acts, worker.Options{WorkflowPanicPolicy: worker.FailWorkflow})
	if err := w.Start(); err != nil {
		s.t.Fatalf("journeytest: start journey worker: %v", err)
	}
	s.t.Cleanup(w.Stop)
}

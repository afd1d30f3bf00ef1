package integration

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// lossyJournal stores every append but loses the answer of the appends it is told to, so the
// activity is retried against a stream that already holds its events.
type lossyJournal struct {
	journey.Journal
	mu    sync.Mutex
	calls int
	lose  map[int]bool
	lost  int
}

func (l *lossyJournal) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.Event) (events.AppendResult, error) {
	res, err := l.Journal.Append(ctx, stream, expected, evs...)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if err == nil && l.lose[l.calls] {
		l.lost++
		return events.AppendResult{}, errors.New("connection reset (injected after the write)")
	}
	return res, err
}

// stack is a real Temporal server, the embedded event store, in-test ingest servers and a journey
// worker.
type stack struct {
	client  client.Client
	journal *events.Journal
	lossy   *lossyJournal
	ingest  *ingesttest.Servers
}

// stackOption changes what the stack's worker talks to.
type stackOption func(*journey.Activities)

// withFinance sends the worker's finance pushes to another finance ingest service (the real one)
// instead of the in-test fake.
func withFinance(c financev1.FinanceIngestServiceClient) stackOption {
	return func(a *journey.Activities) { a.Finance = c }
}

func newStack(t *testing.T, opts ...stackOption) *stack {
	t.Helper()
	return buildStack(t, []temporaltest.TestServerOption{temporaltest.WithT(t)}, opts...)
}

// buildStack builds the stack for a test or a benchmark; given no serverOpts (no
// temporaltest.WithT) it stops the server at cleanup itself.
func buildStack(t testing.TB, serverOpts []temporaltest.TestServerOption, opts ...stackOption) *stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := embedded.Start(ctx, embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	journal, err := events.Open(ctx, store.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = journal.Close() })

	interceptors, err := journey.Interceptors()
	require.NoError(t, err)
	ts := temporaltest.NewServer(append(serverOpts,
		temporaltest.WithBaseClientOptions(client.Options{Interceptors: clientInterceptors(interceptors)}),
		temporaltest.WithBaseWorkerOptions(worker.Options{Interceptors: workerInterceptors(interceptors)}))...)
	if len(serverOpts) == 0 {
		t.Cleanup(ts.Stop)
	}
	c := ts.GetDefaultClient()
	require.NoError(t, journey.RegisterSearchAttributes(ctx, c, ts.GetDefaultNamespace()))

	s := &stack{client: c, journal: journal, ingest: ingesttest.Start(t),
		lossy: &lossyJournal{Journal: journal, lose: map[int]bool{3: true}}}
	versions := journey.StaticVersions{}
	for _, id := range []string{"msk", "copd"} {
		doc, err := pathway.BuiltinYAML(id, 1)
		require.NoError(t, err)
		versions[id] = journey.PinnedVersion{Version: 1, DefinitionYAML: string(doc)}
	}
	acts := &journey.Activities{Journal: s.lossy, Versions: versions,
		Finance: s.ingest.FinanceClient(), Dashboard: s.ingest.DashboardClient()}
	for _, o := range opts {
		o(acts)
	}
	ts.NewWorker(journey.TaskQueue, func(r worker.Registry) {
		r.RegisterWorkflowWithOptions(journey.Journey, workflow.RegisterOptions{Name: journey.WorkflowName})
		r.RegisterActivity(acts)
	})
	return s
}

func clientInterceptors(in []interceptor.Interceptor) []interceptor.ClientInterceptor {
	out := make([]interceptor.ClientInterceptor, len(in))
	for i, x := range in {
		out[i] = x
	}
	return out
}

func workerInterceptors(in []interceptor.Interceptor) []interceptor.WorkerInterceptor {
	out := make([]interceptor.WorkerInterceptor, len(in))
	for i, x := range in {
		out[i] = x
	}
	return out
}

func (s *stack) start(t testing.TB, r journey.Referral) client.WorkflowRun {
	t.Helper()
	run, err := s.client.ExecuteWorkflow(context.Background(), journey.StartOptions(r), journey.WorkflowName, journey.Input{Referral: r})
	require.NoError(t, err)
	return run
}

// update sends one coordinator request and waits for its answer.
func (s *stack) update(t testing.TB, journeyID, name, requestID string, arg any) journey.UpdateResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h, err := s.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: journeyID, UpdateID: requestID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	require.NoError(t, err, "%s %s", name, requestID)
	var r journey.UpdateResult
	require.NoError(t, h.Get(ctx, &r), "%s %s", name, requestID)
	return r
}

// streamTypes reads the journey stream and returns its event type names.
func (s *stack) streamTypes(t *testing.T, journeyID string) ([]string, []events.Recorded) {
	t.Helper()
	recs, err := s.journal.ReadStream(context.Background(), events.JourneyStream(journeyID))
	require.NoError(t, err)
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Payload.ProtoReflect().Descriptor().Name())
	}
	return out, recs
}

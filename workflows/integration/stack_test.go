package integration

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/workflows/journey"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
	"github.com/nhs-pathways/pathways/workflows/journey/journeytest"
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

// stack is the journey test stack (journeytest: a real Temporal server wired as production, the
// embedded event store, in-test ingest servers) with a worker whose journal loses an append answer.
type stack struct {
	client  client.Client
	journal *events.Journal
	lossy   *lossyJournal
	ingest  *ingesttest.Servers
}

// stackOption changes the stack or what its worker talks to.
type stackOption func(*stackConfig)

type stackConfig struct {
	stack      []journeytest.Option
	activities []func(*journey.Activities)
}

// withFinance sends the worker's finance pushes to another finance ingest service (the real one)
// instead of the in-test fake.
func withFinance(c financev1.FinanceIngestServiceClient) stackOption {
	return func(cfg *stackConfig) {
		cfg.activities = append(cfg.activities, func(a *journey.Activities) { a.Finance = c })
	}
}

// withTracerProvider records the Temporal client's and worker's spans on tp.
func withTracerProvider(tp trace.TracerProvider) stackOption {
	return func(cfg *stackConfig) { cfg.stack = append(cfg.stack, journeytest.WithTracerProvider(tp)) }
}

// newStack builds the stack for a test or a benchmark.
func newStack(t testing.TB, opts ...stackOption) *stack {
	t.Helper()
	var cfg stackConfig
	for _, o := range opts {
		o(&cfg)
	}
	js := journeytest.New(t, cfg.stack...)
	s := &stack{client: js.Client, journal: js.Journal, ingest: js.Ingest,
		lossy: &lossyJournal{Journal: js.Journal, lose: map[int]bool{3: true}}}
	acts := js.Activities()
	acts.Journal = s.lossy
	for _, o := range cfg.activities {
		o(acts)
	}
	js.StartWorker(acts)
	return s
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

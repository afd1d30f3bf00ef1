package journey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// start is a Monday 09:00 in London (GMT), so working-day clocks are easy to read.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func builtinYAML(t *testing.T, id string, version int) string {
	t.Helper()
	doc, err := pathway.BuiltinYAML(id, version)
	require.NoError(t, err)
	return string(doc)
}

// testPatientRef is a well-formed pseudonymous patient reference.
const testPatientRef = "pt-abcdefghijklmnopqrstuvwxyz"

func referral(pathwayID string) Referral { return referralAt(pathwayID, start) }

func referralAt(pathwayID string, at time.Time) Referral {
	return Referral{
		ReferralID: "R-1001", PathwayID: pathwayID, PatientRef: testPatientRef, NHSNumberSealed: []byte("sealed-by-the-coordinator"), PCN: "U12345",
		Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		ReferredAt: at,
	}
}

// journal is the in-test stand-in for the event store and the ingest services, behind mocked
// activities: it checks the expected revision of each append like the store does.
type journal struct {
	mu      sync.Mutex
	events  []EncodedEvent
	actors  []string // the AppendRequest.Actor of each event
	appends int
	pushes  []string // "<target> <event id>"
	facts   []proto.Message
	// ways counts the pushes taken, by how they came: "commit" (offered by the commit) or
	// "activity" (a push activity of the push loop).
	ways map[string]int
	// offersDown makes the receivers fail the pushes a commit offers (Unavailable), as a receiver
	// that is down for a moment would, while push activities go through.
	offersDown bool
	// offers counts the pushes commits offered.
	offers int
	// storeDown makes this many appends fail first, as an event store that is down (killed,
	// restarting) would.
	storeDown int
}

func (j *journal) append(_ context.Context, req AppendRequest) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.appends++
	if j.storeDown > 0 {
		j.storeDown--
		return errors.New("event store unavailable: connection refused")
	}
	if req.ExpectedRevision != int64(len(j.events))-1 {
		return refuse(ErrStreamConflict, "expected %d, stream at %d", req.ExpectedRevision, len(j.events)-1)
	}
	j.events = append(j.events, req.Events...)
	for range req.Events {
		j.actors = append(j.actors, req.Actor)
	}
	return nil
}

func (j *journal) push(target PushTarget) func(context.Context, proto.Message) error {
	return func(_ context.Context, m proto.Message) error {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.took(target, m, "activity")
		return nil
	}
}

// took records a push the receivers applied. Callers hold j.mu.
func (j *journal) took(target PushTarget, m proto.Message, way string) {
	if j.ways == nil {
		j.ways = map[string]int{}
	}
	j.ways[way]++
	id := m.ProtoReflect().Get(m.ProtoReflect().Descriptor().Fields().ByName("event_id")).String()
	j.pushes = append(j.pushes, fmt.Sprintf("%s %s", target, id))
	j.facts = append(j.facts, m)
}

// commit stands in for CommitJourneyEvents: the append, then the offer of the pushes (the
// activity's own offer logic, with the journal as the receivers).
func (j *journal) commit(ctx context.Context, req CommitRequest) (CommitResult, error) {
	if err := j.append(ctx, req.Append); err != nil {
		return CommitResult{}, err
	}
	return CommitResult{Pushes: offer(ctx, req.Pushes, func(_ context.Context, p Push) error {
		_, m, err := pushCall(p)
		if err != nil {
			return err
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		j.offers++
		if j.offersDown {
			return status.Error(codes.Unavailable, "receiver down")
		}
		j.took(p.Target, m, "commit")
		return nil
	})}, nil
}

// types lists the short type names of the stored events, in order.
func (j *journal) types() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]string, len(j.events))
	for i, e := range j.events {
		out[i] = string(protoreflect.FullName(e.Type).Name())
	}
	return out
}

// decoded returns the stored events as messages.
func (j *journal) decoded(t *testing.T) []proto.Message {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]proto.Message, len(j.events))
	for i, e := range j.events {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(e.Type))
		require.NoError(t, err)
		m := mt.New().Interface()
		require.NoError(t, proto.Unmarshal(e.Data, m))
		out[i] = m
	}
	return out
}

// harness runs one journey in the SDK test environment (time skipping, mocked activities).
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	journal *journal
	at      time.Duration // offset of the last scheduled step
	results map[string]UpdateResult
	errs    map[string]error
	accepts map[string]bool
}

func newHarness(t *testing.T, yaml string) *harness { return newHarnessAt(t, yaml, start) }

// newHarnessAt starts the test clock at begin (the referral time of referralAt).
func newHarnessAt(t *testing.T, yaml string, begin time.Time) *harness {
	t.Helper()
	return newHarnessPinnedAfter(t, yaml, begin, 0)
}

// newHarnessPinnedAfter is newHarnessAt with governance taking pin (test time) to answer, so
// requests can reach the journey before it has pinned its version.
func newHarnessPinnedAfter(t *testing.T, yaml string, begin time.Time, pin time.Duration) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(begin)
	env.RegisterWorkflowWithOptions(Journey, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterActivity(&Activities{})
	j := &journal{}
	h := &harness{t: t, env: env, journal: j, results: map[string]UpdateResult{}, errs: map[string]error{}, accepts: map[string]bool{}}
	version := 1
	if def, err := pathway.Parse([]byte(yaml)); err == nil {
		version = def.Version
	}
	env.OnActivity(acts.ResolvePathwayVersion, mock.Anything, mock.Anything).
		Return(PinnedVersion{Version: version, DefinitionYAML: yaml}, nil).After(pin)
	env.OnActivity(acts.AppendJourneyEvents, mock.Anything, mock.Anything).Return(j.append)
	env.OnActivity(acts.CommitJourneyEvents, mock.Anything, mock.Anything).Return(j.commit)
	fa, fo, df := j.push(PushFinanceActivity), j.push(PushFinanceOutcome), j.push(PushDashboardFact)
	env.OnActivity(acts.PushFinanceActivity, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r *financev1.RecordActivityRequest) error { return fa(ctx, r) })
	env.OnActivity(acts.PushFinanceOutcome, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r *financev1.RecordOutcomeRequest) error { return fo(ctx, r) })
	env.OnActivity(acts.PushDashboardFact, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, r *dashboardv1.RecordJourneyFactRequest) error { return df(ctx, r) })
	return h
}

// after schedules an update d after the previous step.
func (h *harness) after(d time.Duration, name, id string, req any) {
	h.at += d
	h.env.RegisterDelayedCallback(func() { h.update(name, id, req) }, h.at)
}

// do schedules a step of arbitrary code d after the previous step.
func (h *harness) do(d time.Duration, f func()) {
	h.at += d
	h.env.RegisterDelayedCallback(f, h.at)
}

func (h *harness) update(name, id string, req any) {
	h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
		OnAccept: func() { h.accepts[id] = true },
		OnReject: func(err error) { h.errs[id] = err },
		OnComplete: func(v any, err error) {
			if err != nil {
				h.errs[id] = err
				return
			}
			h.results[id] = v.(UpdateResult)
		},
	}, req)
}

func (h *harness) query() View {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryState)
	require.NoError(h.t, err)
	var out View
	require.NoError(h.t, v.Get(&out))
	return out
}

func (h *harness) run(in Input) {
	h.env.ExecuteWorkflow(WorkflowName, in)
}

// requireRefused asserts the request was refused with the error type.
func (h *harness) requireRefused(id, errType string) {
	h.t.Helper()
	err, ok := h.errs[id]
	require.True(h.t, ok, "request %s was not refused", id)
	var app *temporal.ApplicationError
	require.ErrorAs(h.t, err, &app)
	require.Equal(h.t, errType, app.Type(), "request %s: %v", id, err)
	_, done := h.results[id]
	require.False(h.t, done)
}

func (h *harness) requireOK(ids ...string) {
	h.t.Helper()
	for _, id := range ids {
		require.NoError(h.t, h.errs[id], "request %s", id)
		_, ok := h.results[id]
		require.True(h.t, ok, "request %s has no result", id)
	}
}

const day = 24 * time.Hour

func fmtSscan(s string, a, b *string) (int, error) { return fmt.Sscan(s, a, b) }

package journey

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
)

// openStore starts an in-memory event store and a journal on it for the test.
func openStore(t *testing.T) *events.Journal {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := embedded.Start(ctx, embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	j, err := events.Open(ctx, srv.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

func activityEnv(a *Activities) *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	return env
}

func encoded(t *testing.T, journeyID string, pos int64, m proto.Message) EncodedEvent {
	t.Helper()
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	return EncodedEvent{ID: eventID(journeyID, pos), Type: string(m.ProtoReflect().Descriptor().FullName()), Data: data, OccurredAt: start}
}

func requireAppType(t *testing.T, err error, errType string, nonRetryable bool) {
	t.Helper()
	var app *temporal.ApplicationError
	require.ErrorAs(t, err, &app, "want application error %s", errType)
	require.Equal(t, errType, app.Type())
	require.Equal(t, nonRetryable, app.NonRetryable())
}

func TestAppendJourneyEventsRetryDoesNotDuplicate(t *testing.T) {
	journal := openStore(t)
	env := activityEnv(&Activities{Journal: journal})
	const id = "ref-R-42"
	first := AppendRequest{JourneyID: id, ExpectedRevision: -1, RequestID: "", Events: []EncodedEvent{
		encoded(t, id, 0, &journeyv1.ReferralReceived{JourneyId: id, PathwayId: "msk", NhsNumber: "9990000018"}),
		encoded(t, id, 1, &journeyv1.PathwayVersionPinned{JourneyId: id, Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}}),
	}}
	second := AppendRequest{JourneyID: id, ExpectedRevision: 1, RequestID: "triage-1", Actor: "nurse-ann", Events: []EncodedEvent{
		encoded(t, id, 2, &journeyv1.TriageCompleted{JourneyId: id, RequestId: "triage-1", Disposition: "cats", OccurredAt: timestamppb.New(start)}),
	}}
	for _, req := range []AppendRequest{first, first, second, second} { // each sent twice: a retry after a lost answer
		_, err := env.ExecuteActivity(acts.AppendJourneyEvents, req)
		require.NoError(t, err)
	}

	stored, err := journal.ReadStream(context.Background(), events.JourneyStream(id))
	require.NoError(t, err)
	require.Len(t, stored, 3)
	for i, want := range []string{"pathways.journey.v1.ReferralReceived", "pathways.journey.v1.PathwayVersionPinned", "pathways.journey.v1.TriageCompleted"} {
		require.Equal(t, want, stored[i].Type)
		require.Equal(t, eventID(id, int64(i)), stored[i].ID.String())
	}
	require.Equal(t, "triage-1", stored[2].Meta.CausationID)
	require.Equal(t, "nurse-ann", stored[2].Meta.Actor, "the coordinator who asked")
	require.Equal(t, "journey-workflow", stored[0].Meta.Actor, "the journey's own events")
	require.Equal(t, id, stored[2].Meta.CorrelationID)

	// Another writer's events at the same place are a conflict, not a success.
	foreign := AppendRequest{JourneyID: id, ExpectedRevision: 1, Events: []EncodedEvent{
		encoded(t, id, 99, &journeyv1.JourneyCancelled{JourneyId: id, Reason: "other writer"}),
	}}
	_, err = env.ExecuteActivity(acts.AppendJourneyEvents, foreign)
	requireAppType(t, err, ErrStreamConflict, true)
}

func TestPushRetryDoesNotDoubleApply(t *testing.T) {
	servers := ingesttest.Start(t)
	env := activityEnv(&Activities{Finance: servers.FinanceClient(), Dashboard: servers.DashboardClient()})
	charge := &financev1.RecordActivityRequest{
		EventId: eventID("ref-R-42", 3), JourneyId: "ref-R-42", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		InterventionId: "iv-1", InterventionCode: "physio-f2f", Provider: "NZX01", UnitPricePence: 4500,
		OccurredAt: timestamppb.New(start), PcnOdsCode: "U12345", Segment: journeyv1.Segment_SEGMENT_COMPLEX,
	}
	fact := &dashboardv1.RecordJourneyFactRequest{
		EventId: eventID("ref-R-42", 4), JourneyId: "ref-R-42", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		Fact: &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{Reason: "done"}},
	}

	servers.Finance.LoseAnswers(1)
	_, err := env.ExecuteActivity(acts.PushFinanceActivity, charge)
	require.Error(t, err)
	require.True(t, retryable(err), "a lost answer is retried: %v", err)
	_, err = env.ExecuteActivity(acts.PushFinanceActivity, charge) // the retry
	require.NoError(t, err)
	require.Len(t, servers.Finance.Applied(), 1)
	require.Equal(t, 2, servers.Finance.Calls())

	for range 2 {
		_, err = env.ExecuteActivity(acts.PushDashboardFact, fact)
		require.NoError(t, err)
	}
	require.Len(t, servers.Dashboard.Applied(), 1)

	// The same ID with other content is refused for good.
	changed := proto.Clone(charge).(*financev1.RecordActivityRequest)
	changed.UnitPricePence = 9999
	_, err = env.ExecuteActivity(acts.PushFinanceActivity, changed)
	requireAppType(t, err, ErrIngestRejected, true)
	require.Len(t, servers.Finance.Applied(), 1)
}

func TestIngestErrorRetriesWhatTheReceiverCanStillTake(t *testing.T) {
	tests := []struct {
		code      codes.Code
		retryable bool
	}{
		{codes.AlreadyExists, false},     // same ID, other content: never applies
		{codes.InvalidArgument, false},   // the content breaks a rule: never applies
		{codes.FailedPrecondition, true}, // e.g. no finance contract yet: applies once it exists
		{codes.Unavailable, true},
		{codes.DeadlineExceeded, true},
		{codes.Internal, true},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			err := ingestError("finance RecordActivity", "e-1", status.Error(tt.code, "refused"))
			require.Error(t, err)
			require.Equal(t, tt.retryable, retryable(err))
			require.ErrorContains(t, err, "finance RecordActivity e-1")
		})
	}
	require.NoError(t, ingestError("finance RecordActivity", "e-1", nil))
}

type versionsFunc func(ctx context.Context, pathwayID string, at time.Time) (PinnedVersion, error)

func (f versionsFunc) VersionInEffect(ctx context.Context, pathwayID string, at time.Time) (PinnedVersion, error) {
	return f(ctx, pathwayID, at)
}

func TestResolvePathwayVersion(t *testing.T) {
	doc := builtinYAML(t, "msk", 1)
	tests := []struct {
		name      string
		versions  versionsFunc
		want      PinnedVersion
		errType   string
		retryable bool
	}{
		{"version in effect", func(context.Context, string, time.Time) (PinnedVersion, error) {
			return PinnedVersion{Version: 1, DefinitionYAML: doc}, nil
		}, PinnedVersion{Version: 1, DefinitionYAML: doc}, "", false},
		{"no version in effect fails the start", func(_ context.Context, id string, _ time.Time) (PinnedVersion, error) {
			return PinnedVersion{}, errors.Join(ErrVersionNotFound, errors.New(id+" was published later"))
		}, PinnedVersion{}, ErrPathwayVersionNotFound, false},
		{"governance unavailable is retried", func(context.Context, string, time.Time) (PinnedVersion, error) {
			return PinnedVersion{}, errors.New("connection refused")
		}, PinnedVersion{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := activityEnv(&Activities{Versions: tt.versions})
			v, err := env.ExecuteActivity(acts.ResolvePathwayVersion, ResolveRequest{PathwayID: "msk", At: start})
			switch {
			case tt.errType != "":
				requireAppType(t, err, tt.errType, true)
			case tt.retryable:
				require.Error(t, err)
				require.True(t, retryable(err))
			default:
				require.NoError(t, err)
				var got PinnedVersion
				require.NoError(t, v.Get(&got))
				require.Equal(t, tt.want, got)
			}
		})
	}
}

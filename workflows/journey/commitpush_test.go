package journey

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/workflows/journey/ingesttest"
)

// The commit of a change delivers its pushes: no push activity (an activity task and a further
// workflow task through the server) per fact when the receivers answer.
func TestPushesAreDeliveredByTheCommitOfTheirChange(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	scheduleMSKJourney(h)
	h.run(Input{Referral: referral("msk")})
	require.NoError(t, h.env.GetWorkflowError())

	require.NotEmpty(t, h.journal.pushes)
	require.Equal(t, map[string]int{"commit": len(h.journal.pushes)}, h.journal.ways)
	require.Equal(t, len(h.journal.pushes), h.journal.offers)
	requireEachPushOnce(t, h.journal)
}

// Pushes the receivers do not take when the commit offers them wait in the outbox and go as push
// activities, retried: each fact is delivered once, each receiver's in the order of the events,
// and every request is answered meanwhile.
func TestPushesNotTakenAtCommitGoOnAsActivities(t *testing.T) {
	up := newHarness(t, builtinYAML(t, "msk", 1))
	scheduleMSKJourney(up)
	up.run(Input{Referral: referral("msk")})
	require.NoError(t, up.env.GetWorkflowError())

	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.journal.offersDown = true
	scheduleMSKJourney(h)
	h.run(Input{Referral: referral("msk")})
	require.NoError(t, h.env.GetWorkflowError())
	h.requireOK("book-triage", "done-triage", "triage", "book-cats", "done-cats", "discharge", "outcome-6m")

	n := len(h.journal.pushes)
	require.Equal(t, map[string]int{"activity": n}, h.journal.ways)
	require.Positive(t, h.journal.offers)
	require.Less(t, h.journal.offers, n, "a commit offers nothing while older pushes wait in the outbox")
	requireEachPushOnce(t, h.journal)
	for _, target := range []PushTarget{PushDashboardFact, PushFinanceActivity, PushFinanceOutcome} {
		require.Equal(t, pushesTo(up.journal, target), pushesTo(h.journal, target), "%s pushes in event order", target)
	}
}

// Journeys that committed before the change (GetVersion answers the default version) append
// alone and send every push as an activity.
func TestJourneysBeforeTheChangePushWithActivities(t *testing.T) {
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.env.OnGetVersion(changeCommitPushes, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("triage", "end")
	require.Zero(t, h.journal.offers)
	require.Equal(t, map[string]int{"activity": len(h.journal.pushes)}, h.journal.ways)
}

// CommitJourneyEvents against a real event store and ingest servers: the events are stored, the
// receivers take what they can; a lost answer leaves that receiver's push (and its later ones)
// for the outbox, the other receiver's pushes still go; a retried commit changes nothing twice.
func TestCommitJourneyEventsAppendsThenOffersThePushes(t *testing.T) {
	journal := openStore(t)
	servers := ingesttest.Start(t)
	env := activityEnv(&Activities{Journal: journal, Finance: servers.FinanceClient(), Dashboard: servers.DashboardClient()})
	const id = "ref-R-43"
	req := CommitRequest{
		Append: AppendRequest{JourneyID: id, ExpectedRevision: -1, Events: []EncodedEvent{
			encoded(t, id, 0, &journeyv1.ReferralReceived{JourneyId: id, PathwayId: "msk", NhsNumber: "9990000018"}),
			encoded(t, id, 1, &journeyv1.InterventionCompleted{JourneyId: id, InterventionId: "iv-1"}),
			encoded(t, id, 2, &journeyv1.OutcomeRecorded{JourneyId: id, CollectionPoint: CollectionDischarge}),
		}},
		Pushes: []Push{
			pushOf(t, PushDashboardFact, &dashboardv1.RecordJourneyFactRequest{EventId: eventID(id, 0), JourneyId: id,
				Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, OccurredAt: timestamppb.New(start),
				Fact: &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{Reason: "done"}}}),
			pushOf(t, PushFinanceActivity, &financev1.RecordActivityRequest{EventId: eventID(id, 1), JourneyId: id,
				Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, InterventionId: "iv-1", InterventionCode: "physio-f2f",
				Provider: "NZX01", UnitPricePence: 4500, OccurredAt: timestamppb.New(start), PcnOdsCode: "U12345"}),
			pushOf(t, PushFinanceOutcome, &financev1.RecordOutcomeRequest{EventId: eventID(id, 2), JourneyId: id,
				Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, CollectionPoint: CollectionDischarge,
				OccurredAt: timestamppb.New(start), PcnOdsCode: "U12345"}),
		},
	}

	servers.Finance.LoseAnswers(1)
	v, err := env.ExecuteActivity(acts.CommitJourneyEvents, req)
	require.NoError(t, err, "a push not taken does not fail the commit")
	var res CommitResult
	require.NoError(t, v.Get(&res))
	require.Equal(t, []PushOutcome{{Taken: true}, {}, {}}, res.Pushes,
		"the dashboard took its fact; finance lost its first answer, so its second push was not offered")

	v, err = env.ExecuteActivity(acts.CommitJourneyEvents, req) // the commit re-run after a lost answer
	require.NoError(t, err)
	res = CommitResult{}
	require.NoError(t, v.Get(&res))
	require.Equal(t, []PushOutcome{{Taken: true}, {Taken: true}, {Taken: true}}, res.Pushes)

	stored, err := journal.ReadStream(context.Background(), events.JourneyStream(id))
	require.NoError(t, err)
	require.Len(t, stored, 3, "the events are stored once")
	require.Len(t, servers.Dashboard.Applied(), 1)
	require.Len(t, servers.Finance.Applied(), 2, "the charge and the outcome, once each")

	// The same event ID with other content is refused for good: reported, not left to retry.
	changed := req
	changed.Pushes = []Push{pushOf(t, PushFinanceActivity, &financev1.RecordActivityRequest{EventId: eventID(id, 1), JourneyId: id,
		Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}, InterventionId: "iv-1", InterventionCode: "physio-f2f",
		Provider: "NZX01", UnitPricePence: 9999, OccurredAt: timestamppb.New(start), PcnOdsCode: "U12345"})}
	v, err = env.ExecuteActivity(acts.CommitJourneyEvents, changed)
	require.NoError(t, err)
	var refused CommitResult
	require.NoError(t, v.Get(&refused))
	require.Len(t, refused.Pushes, 1)
	require.False(t, refused.Pushes[0].Taken)
	require.Contains(t, refused.Pushes[0].Rejected, "AlreadyExists")
	require.Len(t, servers.Finance.Applied(), 2)
}

func pushOf(t *testing.T, target PushTarget, m proto.Message) Push {
	t.Helper()
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	id := m.ProtoReflect().Get(m.ProtoReflect().Descriptor().Fields().ByName("event_id")).String()
	return Push{Target: target, EventID: id, Payload: data}
}

func pushesTo(j *journal, target PushTarget) []string {
	var out []string
	for _, p := range j.pushes {
		if strings.HasPrefix(p, string(target)+" ") {
			out = append(out, p)
		}
	}
	return out
}

func requireEachPushOnce(t *testing.T, j *journal) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range j.pushes {
		require.False(t, seen[p], "pushed twice: %s", p)
		seen[p] = true
	}
}

// An event store down for longer than one append attempt may take (its first five attempts
// refused, 15 s of backoff against an attempt's 10 s) delays the journey's requests but fails none: the commit is retried until
// the store answers, and every request then has its result.
func TestAnEventStoreDownLongerThanOneAttemptDelaysButFailsNoRequest(t *testing.T) {
	// Starting now: the test environment gives a local activity attempt a deadline on its own
	// clock but checks it against the real one, so a journey dated in the past sees every failed
	// attempt as timed out.
	begin := time.Now().UTC().Truncate(time.Second)
	h := newHarnessAt(t, builtinYAML(t, "msk", 1), begin)
	h.journal.storeDown = 5 // backoff 1+2+4+8 s: 15 s before the fifth retry, over one attempt's 10 s
	scheduleMSKJourney(h)
	h.run(Input{Referral: referralAt("msk", begin)})
	require.NoError(t, h.env.GetWorkflowError())
	h.requireOK("book-triage", "done-triage", "triage", "book-cats", "done-cats", "discharge", "outcome-6m")
	requireEachPushOnce(t, h.journal)
}

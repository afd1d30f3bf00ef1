package stack_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
)

// TestJourneysSurviveARestart starts journeys, stops the whole stack while a triage timer is
// pending, starts it again on the same data directory, and checks the journeys carry on: the
// query answers, a transition succeeds and the timer that fell due fires.
func TestJourneysSurviveARestart(t *testing.T) {
	cfg := testConfig(t.TempDir())
	// Governance runs two days behind, so the pathway version published here is in effect from
	// before the referrals' dates.
	cfg.GovernanceClock = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	first := startStack(t, cfg)
	c := clientsOf(t, first)
	publishOneDayTriage(t, c.governance)

	due := time.Now().Add(20 * time.Second)
	timed := submit(t, c, "R-RESTART-TIMER", oneCalendarDayBefore(due))
	pending := submit(t, c, "R-RESTART-NEXT", time.Now())
	j := journeyOf(t, c, timed)
	require.EqualValues(t, 2, j.GetVersion(), "the one-day triage version is pinned")
	require.WithinDuration(t, due, j.GetTriage().GetDueAt().AsTime(), time.Second)
	require.False(t, j.GetTriage().GetBreached(), "the timer is still pending when the stack stops")
	require.NoError(t, first.Close())

	second := startStack(t, cfg)
	c = clientsOf(t, second)
	require.Equal(t, "active", journeyOf(t, c, pending).GetStatus(), "the query answers after the restart")
	res, err := c.coordinator.ScheduleIntervention(coordinating(t), &coordinatorv1.ScheduleInterventionRequest{JourneyId: pending,
		RequestId: "book-triage", Intervention: "spa-triage", ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
	require.NoError(t, err, "a transition after the restart")
	require.NotEmpty(t, res.GetResult().GetInterventionId())
	eventually(t, time.Minute, "the triage timer to fire after the restart", func() error {
		if b := journeyOf(t, c, timed).GetTriage().GetBreached(); !b {
			return fmt.Errorf("not breached yet (due %s)", due.Format(time.TimeOnly))
		}
		return nil
	})
	requireOnWorklist(t, c, coordinatorv1.Worklist_WORKLIST_BREACHED, timed)
}

// publishOneDayTriage takes msk v2 through review: v1 with triage due one calendar day after
// referral.
func publishOneDayTriage(t *testing.T, gov governancev1.GovernanceServiceClient) {
	t.Helper()
	alice := as(t, "alice", "author")
	d, err := gov.CreateDraft(alice, &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1, Reason: "restart test"})
	require.NoError(t, err)
	const working = "  triage:\n    within: 2\n    days: working"
	require.Contains(t, d.GetDocumentYaml(), working)
	doc := strings.Replace(d.GetDocumentYaml(), working, "  triage:\n    within: 1\n    days: calendar", 1)
	_, err = gov.UpdateDraft(alice, &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: d.GetVersion().GetRevision(), DocumentYaml: doc, Reason: "one-day triage"})
	require.NoError(t, err)
	_, err = gov.SubmitForReview(alice, &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2, Reason: "ready"})
	require.NoError(t, err)
	for _, who := range []string{"bob", "carol"} {
		reviewer := metadata.AppendToOutgoingContext(as(t, who, "reviewer"), "x-eog", "MSK Clinical Expert Oversight Group")
		_, err = gov.Review(reviewer, &governancev1.ReviewRequest{PathwayId: "msk", Version: 2,
			Decision: governancev1.ReviewDecision_REVIEW_DECISION_APPROVE})
		require.NoError(t, err, who)
	}
	_, err = gov.Publish(as(t, "paula", "publisher"), &governancev1.PublishRequest{PathwayId: "msk", Version: 2, Reason: "restart test"})
	require.NoError(t, err)
}

// oneCalendarDayBefore is the referral time whose one-calendar-day triage falls due at due (days
// count in Europe/London, as the journey counts them).
func oneCalendarDayBefore(due time.Time) time.Time {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return due.Add(-24 * time.Hour)
	}
	return due.In(london).AddDate(0, 0, -1)
}

func submit(t *testing.T, c clients, referralID string, at time.Time) string {
	t.Helper()
	resp, err := c.coordinator.SubmitReferral(coordinating(t), &coordinatorv1.SubmitReferralRequest{ReferralId: referralID,
		PathwayId: "msk", NhsNumber: demo.NHSNumbers(1)[0], PracticeOdsCode: "Y90001", PcnOdsCode: "U90001",
		Segment: journeyv1.Segment_SEGMENT_COMPLEX, Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP,
		Reason: "knee pain", ReferredAt: timestamppb.New(at)})
	require.NoError(t, err)
	return resp.GetJourneyId()
}

// journeyOf waits until the journey answers its query and returns it.
func journeyOf(t *testing.T, c clients, journeyID string) *coordinatorv1.Journey {
	t.Helper()
	var j *coordinatorv1.Journey
	eventually(t, 30*time.Second, journeyID+" to answer", func() error {
		got, err := c.coordinator.GetJourney(coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
		if err != nil {
			return err
		}
		if got.GetJourney().GetVersion() == 0 {
			return fmt.Errorf("version not pinned yet")
		}
		j = got.GetJourney()
		return nil
	})
	return j
}

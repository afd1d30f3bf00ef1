package stack_test

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
)

// TestJourneysSurviveARestart starts journeys, stops the whole stack while a triage timer is
// pending, starts it again on the same data directory, and checks the journeys carry on: the
// query answers, a transition succeeds and the timer fires after the restart, not before the stop.
// The stack's trust carries over too: the same CA and certificates, and a token issued before the
// restart still verifies after it.
func TestJourneysSurviveARestart(t *testing.T) {
	cfg := testConfig(t.TempDir())
	// Governance runs two days behind, so the pathway version published here is in effect from
	// before the referrals' dates.
	cfg.GovernanceClock = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	first := startStack(t, cfg)
	c := clientsOf(t, first)
	publishOneDayTriage(t, c)

	pending := submit(t, c, "R-RESTART-NEXT", time.Now())
	timed, due := pendingTriageTimer(t, c)
	trust := readTrust(t, first)
	issuedBefore := token(t, first, coordU90001)
	// The issuer is the provider's URL, port included: the restarted provider listens where the
	// first did, as `devstack` does on its fixed -oidc-port.
	cfg.Ports.OIDC = issuerPort(t, first)
	require.NoError(t, first.Close())
	stopped := time.Now()

	second := startStack(t, cfg)
	c = clientsOf(t, second)
	require.Equal(t, first.Issuer(), second.Issuer())
	require.Equal(t, trust, readTrust(t, second), "the CA and the certificates are kept in the data directory")
	require.Equal(t, "active", journeyOf(t, c, pending).GetStatus(), "the query answers after the restart")
	res, err := c.coordinator.ScheduleIntervention(withToken(t, issuedBefore), &coordinatorv1.ScheduleInterventionRequest{JourneyId: pending,
		RequestId: "book-triage", Intervention: "spa-triage", ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
	require.NoError(t, err, "a transition after the restart, with a token issued before it")
	require.NotEmpty(t, res.GetResult().GetInterventionId())
	eventually(t, time.Until(due)+time.Minute, "the triage timer to fire after the restart", func() error {
		if b := journeyOf(t, c, timed).GetTriage().GetBreached(); !b {
			return fmt.Errorf("not breached yet (due %s)", due.Format(time.TimeOnly))
		}
		return nil
	})
	breach := timelineEntry(t, c, timed, "TriageBreached")
	fired := breach.GetOccurredAt().AsTime()
	require.True(t, fired.After(stopped), "the timer fired at %s, before the first stack had stopped (%s): not after the restart",
		fired.Format(time.StampMilli), stopped.Format(time.StampMilli))
	require.False(t, fired.Before(due), "the timer fired at %s, before its due time %s", fired.Format(time.StampMilli), due.Format(time.StampMilli))
	requireOnWorklist(t, c, coordU90001, coordinatorv1.Worklist_WORKLIST_BREACHED, timed)
}

// readTrust is the CA's certificate and the coordinator's certificate the stack serves with.
func readTrust(t *testing.T, s *stack.Stack) [2]string {
	t.Helper()
	ca, err := os.ReadFile(s.CAFile())
	require.NoError(t, err)
	cert, _ := certFiles(s, "coordinator")
	leaf, err := os.ReadFile(cert) //nolint:gosec // G304: the stack's own certificate in the test's data directory
	require.NoError(t, err)
	return [2]string{string(ca), string(leaf)}
}

func issuerPort(t *testing.T, s *stack.Stack) int {
	t.Helper()
	u, err := url.Parse(s.Issuer())
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err, s.Issuer())
	return port
}

// pendingTriageTimer submits a referral whose one-day triage falls due a margin after now and
// reads the journey's own view (its workflow query) to check the timer is still pending: this
// is the last read before the stack stops. Should the timer have fired already (a machine slower
// than the margin), it tries again with a referral due twice as far ahead.
func pendingTriageTimer(t *testing.T, c clients) (journeyID string, due time.Time) {
	t.Helper()
	const tries = 3
	margin := 20 * time.Second
	for try := 1; ; try++ {
		due = time.Now().Add(margin)
		journeyID = submit(t, c, "R-RESTART-TIMER-"+strconv.Itoa(try), oneCalendarDayBefore(due))
		j := journeyOf(t, c, journeyID)
		require.EqualValues(t, 2, j.GetVersion(), "the one-day triage version is pinned")
		require.WithinDuration(t, due, j.GetTriage().GetDueAt().AsTime(), time.Second)
		if !j.GetTriage().GetBreached() {
			require.WithinDuration(t, due, j.GetNextDeadline().AsTime(), time.Second, "the triage timer is the next deadline")
			return journeyID, due
		}
		require.Less(t, try, tries, "the triage timer fired before the stop %d times (last margin %s)", tries, margin)
		t.Logf("the triage timer due %s after submission fired before the stop: trying again with twice the margin", margin)
		margin *= 2
	}
}

// timelineEntry returns the journey's one timeline entry of the event type.
func timelineEntry(t *testing.T, c clients, journeyID, eventType string) *coordinatorv1.TimelineEntry {
	t.Helper()
	got, err := c.coordinator.GetJourney(c.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
	require.NoError(t, err)
	var found []*coordinatorv1.TimelineEntry
	for _, e := range got.GetTimeline() {
		if e.GetType() == eventType {
			found = append(found, e)
		}
	}
	require.Len(t, found, 1, "%s events in %s", eventType, journeyID)
	return found[0]
}

// publishOneDayTriage takes msk v2 through review as the demo author, both MSK reviewers (their
// Expert Oversight Group is a claim of their tokens) and the publisher: v1 with triage due one
// calendar day after referral.
func publishOneDayTriage(t *testing.T, c clients) {
	t.Helper()
	gov := c.governance
	d, err := gov.CreateDraft(c.as(t, author), &governancev1.CreateDraftRequest{PathwayId: "msk", FromVersion: 1, Reason: "restart test"})
	require.NoError(t, err)
	const working = "  triage:\n    within: 2\n    days: working"
	require.Contains(t, d.GetDocumentYaml(), working)
	doc := strings.Replace(d.GetDocumentYaml(), working, "  triage:\n    within: 1\n    days: calendar", 1)
	_, err = gov.UpdateDraft(c.as(t, author), &governancev1.UpdateDraftRequest{PathwayId: "msk", Version: 2,
		ExpectedRevision: d.GetVersion().GetRevision(), DocumentYaml: doc, Reason: "one-day triage"})
	require.NoError(t, err)
	_, err = gov.SubmitForReview(c.as(t, author), &governancev1.SubmitForReviewRequest{PathwayId: "msk", Version: 2, Reason: "ready"})
	require.NoError(t, err)
	for _, who := range []string{mskReviewer1, mskReviewer2} {
		_, err = gov.Review(c.as(t, who), &governancev1.ReviewRequest{PathwayId: "msk", Version: 2,
			Decision: governancev1.ReviewDecision_REVIEW_DECISION_APPROVE})
		require.NoError(t, err, who)
	}
	_, err = gov.Publish(c.as(t, publisher), &governancev1.PublishRequest{PathwayId: "msk", Version: 2, Reason: "restart test"})
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
	resp, err := c.coordinator.SubmitReferral(c.coordinating(t), &coordinatorv1.SubmitReferralRequest{ReferralId: referralID,
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
		got, err := c.coordinator.GetJourney(c.coordinating(t), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
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

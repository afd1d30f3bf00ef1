package integration

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

var mskTimelineToDischarge = []string{
	"ReferralReceived", "PathwayVersionPinned",
	"InterventionScheduled", "InterventionCompleted",
	"TriageCompleted", "RTTClockStarted",
	"InterventionScheduled", "InterventionStarted", "InterventionCompleted",
	"InterventionScheduled", "InterventionCompleted", "RTTClockStopped",
	"OutcomeRecorded", "Discharged",
}

func TestMSKJourneyOverGRPC(t *testing.T) {
	s := newStack(t)
	c, ctx := s.coordinator, coordinator()

	sub, err := c.SubmitReferral(ctx, s.referral("R-2001"))
	require.NoError(t, err)
	require.True(t, sub.GetCreated())
	journeyID := sub.GetJourneyId()

	again, err := c.SubmitReferral(ctx, s.referral("R-2001"))
	require.NoError(t, err, "the same referral again is the same journey")
	require.Equal(t, journeyID, again.GetJourneyId())
	require.False(t, again.GetCreated())

	other := s.referral("R-2001")
	other.Reason = "hip pain"
	_, err = c.SubmitReferral(ctx, other)
	requireCode(t, err, codes.AlreadyExists, "R-2001")

	bad := s.referral("R-2002")
	bad.NhsNumber, bad.PcnOdsCode = "9434765918", "Q1234"
	_, err = c.SubmitReferral(ctx, bad)
	requireCode(t, err, codes.InvalidArgument, "nhs_number")
	require.Equal(t, map[string]string{"nhs_number": "check digit does not match (modulus 11)",
		"pcn_ods_code": "must be a PCN ODS code: 'U' and 5 digits (e.g. U12345)"}, violations(t, err))
	require.NotContains(t, err.Error(), "9434765918", "the NHS number is never echoed")

	s.requireOnWorklist(t, coordinatorv1.Worklist_WORKLIST_AWAITING_TRIAGE, journeyID)

	triage := s.advance(t, "book-triage", &coordinatorv1.ScheduleInterventionRequest{JourneyId: journeyID,
		Intervention: "spa-triage", ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
	s.advance(t, "done-triage", &coordinatorv1.CompleteInterventionRequest{JourneyId: journeyID, InterventionId: triage.GetInterventionId()})
	tr := s.advance(t, "triage", &coordinatorv1.TriageRequest{JourneyId: journeyID, Disposition: "cats", Baseline: baseline()})
	require.Equal(t, []string{"TriageCompleted", "RTTClockStarted"}, tr.GetEvents())

	retried, err := c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: journeyID, RequestId: "triage", Disposition: "cats", Baseline: baseline()})
	require.NoError(t, err, "a retried request id gets its first answer")
	require.Equal(t, tr.GetRevision(), retried.GetResult().GetRevision())

	_, err = c.Triage(ctx, &coordinatorv1.TriageRequest{JourneyId: journeyID, RequestId: "triage-again", Disposition: "physio-telephone"})
	requireCode(t, err, codes.FailedPrecondition, "already triaged")
	require.Equal(t, tr.GetStage(), stageOf(err), "the refusal names the current stage")
	require.Contains(t, err.Error(), tr.GetStage())

	s.requireOnWorklist(t, coordinatorv1.Worklist_WORKLIST_IN_INTERVENTION, journeyID)

	cats := s.advance(t, "book-cats", &coordinatorv1.ScheduleInterventionRequest{JourneyId: journeyID,
		Intervention: "cats-assessment", ScheduledFor: timestamppb.New(time.Now().Add(24 * time.Hour))})
	s.advance(t, "start-cats", &coordinatorv1.StartInterventionRequest{JourneyId: journeyID, InterventionId: cats.GetInterventionId()})
	s.advance(t, "done-cats", &coordinatorv1.CompleteInterventionRequest{JourneyId: journeyID, InterventionId: cats.GetInterventionId()})

	_, err = c.RecordDidNotAttend(ctx, &coordinatorv1.RecordDidNotAttendRequest{JourneyId: journeyID, RequestId: "dna-late", InterventionId: cats.GetInterventionId()})
	requireCode(t, err, codes.FailedPrecondition, "completed")

	inj := s.advance(t, "book-injection", &coordinatorv1.ScheduleInterventionRequest{JourneyId: journeyID,
		Intervention: "msk-injection", ScheduledFor: timestamppb.New(time.Now().Add(48 * time.Hour))})
	s.advance(t, "done-injection", &coordinatorv1.CompleteInterventionRequest{JourneyId: journeyID, InterventionId: inj.GetInterventionId()})
	s.advance(t, "outcome-discharge", &coordinatorv1.RecordOutcomeRequest{JourneyId: journeyID, CollectionPoint: "discharge", Measures: dischargeScores()})
	d := s.advance(t, "discharge", &coordinatorv1.DischargeRequest{JourneyId: journeyID, Reason: "treatment-complete"})
	require.Equal(t, "discharged", d.GetStage())

	got, err := c.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
	require.NoError(t, err)
	j := got.GetJourney()
	require.Equal(t, "discharged", j.GetStage())
	require.Equal(t, "discharged", j.GetStatus())
	require.EqualValues(t, 1, j.GetVersion(), "the version pinned at referral")
	require.Equal(t, "stopped", j.GetRtt().GetStatus())
	require.NotNil(t, j.GetTriage().GetDueAt())
	require.Equal(t, "cats", j.GetTriage().GetDisposition())
	require.Len(t, j.GetInterventions(), 3)
	var types []string
	for _, e := range got.GetTimeline() {
		types = append(types, e.GetType())
		require.NotContains(t, e.GetSummary(), "9990001006", "the timeline never shows the NHS number")
	}
	require.Equal(t, mskTimelineToDischarge, types)
	require.Equal(t, "coord-017", got.GetTimeline()[4].GetActor(), "TriageCompleted names who triaged")
	require.Equal(t, "triage", got.GetTimeline()[4].GetRequestId())
}

// advance sends one transition as the coordinator and returns its result.
func (s *stack) advance(t *testing.T, requestID string, req any) *coordinatorv1.TransitionResult {
	t.Helper()
	ctx := coordinator()
	var (
		r interface {
			GetResult() *coordinatorv1.TransitionResult
		}
		err error
	)
	switch req := req.(type) {
	case *coordinatorv1.TriageRequest:
		req.RequestId = requestID
		r, err = s.coordinator.Triage(ctx, req)
	case *coordinatorv1.ScheduleInterventionRequest:
		req.RequestId = requestID
		r, err = s.coordinator.ScheduleIntervention(ctx, req)
	case *coordinatorv1.StartInterventionRequest:
		req.RequestId = requestID
		r, err = s.coordinator.StartIntervention(ctx, req)
	case *coordinatorv1.CompleteInterventionRequest:
		req.RequestId = requestID
		r, err = s.coordinator.CompleteIntervention(ctx, req)
	case *coordinatorv1.RecordOutcomeRequest:
		req.RequestId = requestID
		r, err = s.coordinator.RecordOutcome(ctx, req)
	case *coordinatorv1.DischargeRequest:
		req.RequestId = requestID
		r, err = s.coordinator.Discharge(ctx, req)
	default:
		t.Fatalf("advance: unexpected request %T", req)
	}
	require.NoError(t, err, requestID)
	require.Equal(t, requestID, r.GetResult().GetRequestId())
	return r.GetResult()
}

// requireOnWorklist waits until the journey shows on the worklist (visibility lags updates).
func (s *stack) requireOnWorklist(t *testing.T, w coordinatorv1.Worklist, journeyID string) {
	t.Helper()
	eventually(t, w.String()+" listing "+journeyID, func() bool {
		resp, err := s.coordinator.ListWorklist(coordinator(), &coordinatorv1.ListWorklistRequest{Worklist: w, PathwayId: "msk", PcnOdsCode: "U12345"})
		require.NoError(t, err)
		return slices.ContainsFunc(resp.GetItems(), func(i *coordinatorv1.WorklistItem) bool { return i.GetJourneyId() == journeyID })
	})
}

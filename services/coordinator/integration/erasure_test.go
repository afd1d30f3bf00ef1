package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
)

// summaries returns the journey's timeline summaries by event type.
func (s *stack) summaries(t *testing.T, journeyID string) map[string]string {
	t.Helper()
	got, err := s.coordinator.GetJourney(coordinator(), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range got.GetTimeline() {
		out[e.GetType()] = e.GetSummary()
	}
	return out
}

func TestNotesAreSealedShownToCoordinatorsAndErasedWithThePatient(t *testing.T) {
	s := newStack(t)
	pd := coordinatorv1.NewPatientDataServiceClient(dial(t, s.grpcAddr))
	audit := coordinatorv1.NewAccessAuditServiceClient(dial(t, s.grpcAddr))
	started := time.Now().Add(-time.Minute)

	erased, other := s.referral("R-ERASE-1"), s.referral("R-KEEP-1")
	erased.Reason = "marker-referral-reason lives at 4 Privet Drive"
	other.NhsNumber, other.Reason = "9990001014", "marker-other-patient"
	for _, r := range []*coordinatorv1.SubmitReferralRequest{erased, other} {
		_, err := s.coordinator.SubmitReferral(coordinator(), r)
		require.NoError(t, err)
	}
	for _, id := range []string{"ref-R-ERASE-1", "ref-R-KEEP-1"} {
		eventually(t, id+" recorded", func() bool { return s.summaries(t, id)["PathwayVersionPinned"] != "" })
		_, err := s.coordinator.Cancel(coordinator(), &coordinatorv1.CancelRequest{JourneyId: id, RequestId: "cancel-" + id,
			Reason: "duplicate", Note: "marker-note of " + id})
		require.NoError(t, err)
	}

	// Coordinators read the sealed fields opened, and never the NHS number.
	before := s.summaries(t, "ref-R-ERASE-1")
	require.Contains(t, before["ReferralReceived"], `reason_for_referral="marker-referral-reason lives at 4 Privet Drive"`)
	require.Contains(t, before["JourneyCancelled"], `reason=duplicate`)
	require.Contains(t, before["JourneyCancelled"], `note="marker-note of ref-R-ERASE-1"`)
	require.NotContains(t, before["ReferralReceived"], erased.GetNhsNumber())

	// A bad reason or an over-long note is refused naming the field, and changes nothing.
	_, err := s.coordinator.Discharge(coordinator(), &coordinatorv1.DischargeRequest{JourneyId: "ref-R-KEEP-1", RequestId: "bad-note",
		Reason: "treatment-complete", Note: strings.Repeat("x", 501)})
	requireCode(t, err, codes.InvalidArgument, "note: must be at most 500 characters")
	_, err = s.coordinator.SubmitReferral(coordinator(), &coordinatorv1.SubmitReferralRequest{ReferralId: "GP-" + erased.GetNhsNumber(),
		PathwayId: "msk", NhsNumber: erased.GetNhsNumber(), PracticeOdsCode: "A81001", PcnOdsCode: testPCN, Segment: erased.GetSegment(),
		Source: erased.GetSource(), Reason: "x", ReferredAt: timestamppb.New(s.at)})
	require.Contains(t, violations(t, err), "referral_id")
	require.NotContains(t, err.Error(), erased.GetNhsNumber()[3:], "the refusal does not echo the number")

	// Only information governance erases, with a reason.
	_, err = pd.ErasePatient(coordinator(), &coordinatorv1.ErasePatientRequest{JourneyId: "ref-R-ERASE-1", Reason: "SAR-2026-114"})
	requireCode(t, err, codes.PermissionDenied, "information-governance")
	ig := as("ig-officer", "information-governance")
	_, err = pd.ErasePatient(ig, &coordinatorv1.ErasePatientRequest{JourneyId: "ref-R-ERASE-1"})
	require.Contains(t, violations(t, err), "reason")
	res, err := pd.ErasePatient(ig, &coordinatorv1.ErasePatientRequest{JourneyId: "ref-R-ERASE-1", Reason: "erasure request ER-2026-114"})
	require.NoError(t, err)
	require.True(t, res.GetErased())
	require.True(t, strings.HasPrefix(res.GetPatientRef(), "pt-"))
	again, err := pd.ErasePatient(ig, &coordinatorv1.ErasePatientRequest{JourneyId: "ref-R-ERASE-1", Reason: "erasure request ER-2026-114"})
	require.NoError(t, err)
	require.False(t, again.GetErased(), "erasing twice changes nothing")

	after := s.summaries(t, "ref-R-ERASE-1")
	require.Contains(t, after["ReferralReceived"], `reason_for_referral=[erased]`)
	require.Contains(t, after["JourneyCancelled"], `note=[erased]`)
	require.Contains(t, after["JourneyCancelled"], `reason=duplicate`, "coded facts stay")
	kept := s.summaries(t, "ref-R-KEEP-1")
	require.Contains(t, kept["JourneyCancelled"], `note="marker-note of ref-R-KEEP-1"`, "the other patient reads as before")

	// The erasure is in the access audit trail with its reason and the patient's reference.
	trail, err := audit.ListAccess(as("aud-1", "auditor"), &coordinatorv1.ListAccessRequest{From: timestamppb.New(started),
		JourneyId: "ref-R-ERASE-1", PageSize: 500})
	require.NoError(t, err)
	var erasures []*coordinatorv1.AccessEntry
	for _, e := range trail.GetEntries() {
		if e.GetMethod() == coordinatorv1.PatientDataService_ErasePatient_FullMethodName && e.GetCode() == "OK" {
			erasures = append(erasures, e)
		}
	}
	require.Len(t, erasures, 2)
	require.Equal(t, "ig-officer", erasures[0].GetSubject())
	require.Equal(t, "erasure request ER-2026-114", erasures[0].GetReason())
	require.Equal(t, res.GetPatientRef(), erasures[0].GetPatientRef())
}

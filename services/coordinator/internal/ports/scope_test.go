package ports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// TestAJourneyOfAnotherPCNIsAnsweredExactlyAsAMissingOne: GetJourney and a transition on a
// journey of another PCN get, status for status, the answer for a journey that does not exist,
// and the journey is not changed.
func TestAJourneyOfAnotherPCNIsAnsweredExactlyAsAMissingOne(t *testing.T) {
	exists := withJourneys()
	elsewhere, _ := newServers(exists, storeTrail(t))
	nowhere, _ := newServers(&journeysFake{views: map[string]journey.View{}}, storeTrail(t))
	ctx := as(coordinator)
	triage := &coordinatorv1.TriageRequest{JourneyId: "ref-other", RequestId: "req-1", Disposition: "cats"}

	_, hidden := elsewhere.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: "ref-other"})
	_, missing := nowhere.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: "ref-other"})
	require.Equal(t, codes.NotFound, status.Code(hidden))
	require.True(t, proto.Equal(status.Convert(missing).Proto(), status.Convert(hidden).Proto()),
		"another PCN's journey: %v; no journey: %v", hidden, missing)

	_, hidden = elsewhere.Triage(ctx, triage)
	_, missing = nowhere.Triage(ctx, triage)
	require.Equal(t, codes.NotFound, status.Code(hidden))
	require.True(t, proto.Equal(status.Convert(missing).Proto(), status.Convert(hidden).Proto()),
		"another PCN's journey: %v; no journey: %v", hidden, missing)
	require.Empty(t, exists.updates, "the other PCN's journey was not changed")

	got, err := elsewhere.GetJourney(ctx, &coordinatorv1.GetJourneyRequest{JourneyId: "ref-own"})
	require.NoError(t, err, "the caller's own PCN's journey is readable")
	require.Equal(t, ownPCN, got.GetJourney().GetPcnOdsCode())
	triage.JourneyId = "ref-own"
	_, err = elsewhere.Triage(ctx, triage)
	require.NoError(t, err)
	require.Equal(t, []string{"ref-own/Triage/req-1"}, exists.updates)
}

func TestSubmitReferralIntoAnotherPCNIsRefusedNamingPCNODSCode(t *testing.T) {
	j := &journeysFake{views: map[string]journey.View{}}
	s, _ := newServers(j, storeTrail(t))
	req := &coordinatorv1.SubmitReferralRequest{ReferralId: "R-9", PathwayId: "msk", NhsNumber: "9434765919",
		PracticeOdsCode: "A81001", PcnOdsCode: otherPCN, Segment: journeyv1.Segment_SEGMENT_COMPLEX,
		Source: journeyv1.ReferralSource_REFERRAL_SOURCE_GP, Reason: "knee pain", ReferredAt: timestamppb.New(start.Add(-time.Hour))}
	_, err := s.SubmitReferral(as(coordinator), req)
	st := status.Convert(err)
	require.Equal(t, codes.PermissionDenied, st.Code())
	require.Contains(t, st.Message(), "pcn_ods_code")
	require.Len(t, st.Details(), 1)
	info, ok := st.Details()[0].(*errdetails.ErrorInfo)
	require.True(t, ok)
	require.Equal(t, "PCN_NOT_IN_SCOPE", info.GetReason())
	require.Equal(t, "pcn_ods_code", info.GetMetadata()["field"])
	require.Empty(t, j.views, "no journey was started")
}

func TestWorklistShowsOnlyTheCallersPCNs(t *testing.T) {
	j := withJourneys()
	j.listed = []app.Listed{{JourneyID: "ref-own", PCN: ownPCN}, {JourneyID: "ref-other", PCN: otherPCN}}
	s, _ := newServers(j, storeTrail(t))
	res, err := s.ListWorklist(as(coordinator), &coordinatorv1.ListWorklistRequest{Worklist: coordinatorv1.Worklist_WORKLIST_BREACHED})
	require.NoError(t, err)
	require.Len(t, res.GetItems(), 1)
	require.Equal(t, "ref-own", res.GetItems()[0].GetJourneyId())

	_, err = s.ListWorklist(as(coordinator), &coordinatorv1.ListWorklistRequest{Worklist: coordinatorv1.Worklist_WORKLIST_BREACHED,
		PcnOdsCode: otherPCN})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a filter by another PCN is refused")

	nobody := coordinator
	nobody.Orgs = nil
	res, err = s.ListWorklist(as(nobody), &coordinatorv1.ListWorklistRequest{Worklist: coordinatorv1.Worklist_WORKLIST_BREACHED})
	require.NoError(t, err)
	require.Empty(t, res.GetItems(), "a coordinator without PCNs sees nothing")
}

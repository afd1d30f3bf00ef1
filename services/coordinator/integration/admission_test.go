package integration

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
)

const day = 24 * time.Hour

// copdReferral returns a COPD referral made 100 days before the stack started, so admissions
// after it are in the past.
func (s *stack) copdReferral(id string) *coordinatorv1.SubmitReferralRequest {
	r := s.referral(id)
	r.PathwayId, r.Reason, r.ReferredAt = "copd", "breathless on exertion, smoker", timestamppb.New(s.at.Add(-100*day))
	return r
}

// daysAgo is a time n days before the stack started.
func (s *stack) daysAgo(n int) *timestamppb.Timestamp {
	return timestamppb.New(s.at.Add(-time.Duration(n) * day))
}

func (s *stack) admit(requestID, journeyID string, admitted, discharged *timestamppb.Timestamp, reason string) (*coordinatorv1.TransitionResult, error) {
	r, err := s.coordinator.RecordAdmission(coordinator(), &coordinatorv1.RecordAdmissionRequest{JourneyId: journeyID,
		RequestId: requestID, AdmittedAt: admitted, DischargedAt: discharged, Reason: reason})
	return r.GetResult(), err
}

func TestCOPDAdmissionsOverGRPC(t *testing.T) {
	s := newStack(t)
	sub, err := s.coordinator.SubmitReferral(coordinator(), s.copdReferral("C-5001"))
	require.NoError(t, err)
	id := sub.GetJourneyId()

	first, err := s.admit("admit-1", id, s.daysAgo(80), s.daysAgo(75), "copd-exacerbation")
	require.NoError(t, err)
	require.Equal(t, []string{"HospitalAdmissionRecorded"}, first.GetEvents())
	require.Equal(t, "adm-1", first.GetAdmissionId())
	again, err := s.admit("admit-1", id, s.daysAgo(80), s.daysAgo(75), "copd-exacerbation")
	require.NoError(t, err, "a retried request id gets its first answer")
	require.Equal(t, first.GetRevision(), again.GetRevision())

	// Readmitted 15 days after the first hospital discharge.
	second, err := s.admit("admit-2", id, s.daysAgo(60), s.daysAgo(55), "copd-exacerbation")
	require.NoError(t, err)
	require.Equal(t, "adm-2", second.GetAdmissionId())

	refusals := []struct {
		name                  string
		admitted, discharged  *timestamppb.Timestamp
		reason, field, saying string
	}{
		{"overlaps the previous admission", s.daysAgo(57), s.daysAgo(50), "copd-exacerbation", "admitted_at", "overlaps admission adm-2"},
		{"admitted before the referral", s.daysAgo(120), s.daysAgo(110), "copd-exacerbation", "admitted_at", "must not be before the referral"},
	}
	for i, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.admit(fmt.Sprintf("bad-%d", i), id, tt.admitted, tt.discharged, tt.reason)
			requireCode(t, err, codes.InvalidArgument, tt.field)
			v := violations(t, err)
			require.Contains(t, v, tt.field, "the refusal names the field")
			require.Contains(t, v[tt.field], tt.saying)
		})
	}

	got, err := s.coordinator.GetJourney(coordinator(), &coordinatorv1.GetJourneyRequest{JourneyId: id})
	require.NoError(t, err)
	require.EqualValues(t, 2, got.GetJourney().GetAdmissions())
	admissions := timelineOf(got, "HospitalAdmissionRecorded")
	require.Len(t, admissions, 2, "the refused admissions changed nothing")
	require.Equal(t, "admit-1", admissions[0].GetRequestId())
	require.Equal(t, "coord-017", admissions[0].GetActor())
	require.Contains(t, admissions[0].GetSummary(), "reason=copd-exacerbation")
	require.Contains(t, admissions[1].GetSummary(), "days_since_adm-1_discharge=15 (readmission within 30 days)")

	_, err = s.coordinator.Cancel(coordinator(), &coordinatorv1.CancelRequest{JourneyId: id, RequestId: "cancel", Reason: "moved-away"})
	require.NoError(t, err)
	_, err = s.admit("admit-3", id, s.daysAgo(10), s.daysAgo(8), "copd-exacerbation")
	require.Error(t, err)
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "no admission on a cancelled journey: %v", err)

	_, err = s.admit("adm-x", "ref-C-none", s.daysAgo(10), s.daysAgo(8), "copd-exacerbation")
	requireCode(t, err, codes.NotFound, "ref-C-none")
}

func timelineOf(resp *coordinatorv1.GetJourneyResponse, eventType string) []*coordinatorv1.TimelineEntry {
	var out []*coordinatorv1.TimelineEntry
	for _, e := range resp.GetTimeline() {
		if e.GetType() == eventType {
			out = append(out, e)
		}
	}
	return out
}

func TestCOPDAdmissionsOverRESTAndPathwayctl(t *testing.T) {
	s := newStack(t)
	ref := s.restReferral("C-6001", "breathless on exertion")
	ref["pathwayId"], ref["segment"], ref["referredAt"] = "copd", journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS.String(),
		s.at.Add(-100*day).Format(time.RFC3339)
	code, body := s.rest(t, http.MethodPost, "/v1/referrals", ref)
	require.Equal(t, http.StatusOK, code, body)
	at := func(n int) string { return s.at.Add(-time.Duration(n) * day).Format(time.RFC3339) }

	code, body = s.rest(t, http.MethodPost, "/v1/journeys/ref-C-6001:recordAdmission", map[string]any{"requestId": "admit-1",
		"admittedAt": at(80), "dischargedAt": at(75), "reason": "copd-exacerbation"})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, []any{"HospitalAdmissionRecorded"}, body["result"].(map[string]any)["events"])
	require.Equal(t, "adm-1", body["result"].(map[string]any)["admissionId"])

	// The second admission through pathwayctl: 20 days after the first discharge.
	code2, out, errs := s.ctl(t, "admit", "ref-C-6001", "--admitted", at(55), "--discharged", at(50), "--reason", "copd-exacerbation")
	require.Equal(t, cli.ExitOK, code2, errs)
	require.Contains(t, out, "HospitalAdmissionRecorded")
	require.Contains(t, out, "adm-2")
	code2, _, errs = s.ctl(t, "admit", "ref-C-6001", "-admitted", at(52), "-discharged", at(51), "-reason", "copd-exacerbation")
	require.Equal(t, cli.ExitInvalid, code2, "overlaps the second admission")
	require.Contains(t, errs, "admitted_at (-admitted)")

	code, body = s.rest(t, http.MethodGet, "/v1/journeys/ref-C-6001", nil)
	require.Equal(t, http.StatusOK, code, body)
	var summaries []string
	for _, e := range body["timeline"].([]any) {
		if e := e.(map[string]any); e["type"] == "HospitalAdmissionRecorded" {
			summaries = append(summaries, e["summary"].(string))
		}
	}
	require.Len(t, summaries, 2)
	require.True(t, strings.HasSuffix(summaries[1], "days_since_adm-1_discharge=20 (readmission within 30 days)"), summaries[1])

	code2, out, errs = s.ctl(t, "show", "ref-C-6001")
	require.Equal(t, cli.ExitOK, code2, errs)
	require.Contains(t, out, "readmission within 30 days")
	require.Contains(t, out, "Admissions:     2")
}

package integration

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
)

// Admissions the coordinator refuses on their face, over gRPC, REST and pathwayctl: each names
// the field and its rule, and the journey is left as it was.
func TestAdmissionInputRefusedWithTheField(t *testing.T) {
	s := newStack(t)
	sub, err := s.coordinator.SubmitReferral(coordinator(), s.copdReferral("C-7001"))
	require.NoError(t, err)
	id := sub.GetJourneyId()
	s.requirePinned(t, id)

	tests := []struct {
		name                 string
		admitted, discharged *timestamppb.Timestamp
		reason               string
		want                 map[string]string
	}{
		{"discharged in the future", s.daysAgo(2), timestamppb.New(time.Now().Add(day)), "copd-exacerbation", map[string]string{
			"discharged_at": "must not be in the future: record the admission once the patient has left hospital"}},
		{"reason not a code", s.daysAgo(20), s.daysAgo(18), "COPD exacerbation", map[string]string{
			"reason": "must be a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)"}},
		{"discharged before admitted", s.daysAgo(20), s.daysAgo(21), "copd-exacerbation", map[string]string{
			"discharged_at": "must not be before admitted_at"}},
		{"nothing given", nil, nil, "", map[string]string{
			"reason":        "is required: a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)",
			"admitted_at":   "is required: when the patient was admitted",
			"discharged_at": "is required: when the patient left hospital (record the admission once they have)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.admit("adm-bad", id, tt.admitted, tt.discharged, tt.reason)
			requireCode(t, err, codes.InvalidArgument, "invalid request")
			require.Equal(t, tt.want, violations(t, err))
		})
	}

	code, body := s.rest(t, http.MethodPost, "/v1/journeys/"+id+":recordAdmission", map[string]any{"requestId": "adm-rest",
		"admittedAt": s.at.Add(-3 * day).Format(time.RFC3339), "dischargedAt": s.at.Add(-day).Format(time.RFC3339), "reason": "Exacerbation!"})
	require.Equal(t, http.StatusBadRequest, code, body)
	require.Equal(t, map[string]string{"reason": "must be a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)"},
		restViolations(t, body))

	exit, _, errs := s.ctl(t, "admit", id, "--admitted", s.at.Add(-day).Format(time.RFC3339),
		"--discharged", time.Now().Add(2*day).UTC().Format(time.RFC3339), "--reason", "copd-exacerbation")
	require.Equal(t, cli.ExitInvalid, exit, errs)
	require.Contains(t, errs, "\n  discharged_at (-discharged): must not be in the future")
	require.NotContains(t, errs, "retry", "bad input changed nothing: no retry advice")

	after, err := s.coordinator.GetJourney(coordinator(), &coordinatorv1.GetJourneyRequest{JourneyId: id})
	require.NoError(t, err)
	require.NotEmpty(t, after.GetTimeline(), "%v", after)
	require.Empty(t, timelineOf(after, "HospitalAdmissionRecorded"), "nothing was recorded")
}

// requirePinned waits until the journey has pinned its pathway version (its first events are in
// its stream).
func (s *stack) requirePinned(t *testing.T, journeyID string) {
	t.Helper()
	eventually(t, journeyID+" pinned", func() bool {
		got, err := s.coordinator.GetJourney(coordinator(), &coordinatorv1.GetJourneyRequest{JourneyId: journeyID})
		require.NoError(t, err)
		return got.GetJourney().GetVersion() > 0
	})
}

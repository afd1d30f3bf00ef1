package app

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

func admissionCmd(admitted, discharged time.Time) domain.Command {
	return domain.Command{Transition: domain.RecordAdmission, JourneyID: "ref-C-1", RequestID: "adm-req-1", Actor: "c1",
		Reason: "copd-exacerbation", AdmittedAt: admitted, DischargedAt: discharged}
}

func TestRecordAdmissionSendsTheAdmissionAsTheCoordinator(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	admitted := time.Date(2026, 2, 20, 23, 30, 0, 0, london)
	discharged := time.Date(2026, 2, 24, 10, 0, 0, 0, london)
	j := &fakeJourneys{states: []journey.View{{Stage: "respiratory-triage"}}}
	_, err = newApp(j).Apply(context.Background(), own, admissionCmd(admitted, discharged))
	require.NoError(t, err)
	require.Equal(t, []string{"RecordAdmission/adm-req-1"}, j.updates)
	require.Equal(t, []any{journey.AdmissionRequest{AdmittedAt: admitted.UTC(), DischargedAt: discharged.UTC(),
		Reason: "copd-exacerbation", RequestedBy: "c1"}}, j.args)
}

func TestRecordAdmissionRefusesAFutureDischargeBeforeTouchingTheJourney(t *testing.T) {
	j := &fakeJourneys{states: []journey.View{{Stage: "respiratory-triage"}}}
	_, err := newApp(j).Apply(context.Background(), own, admissionCmd(now.Add(-time.Hour), now.Add(time.Hour)))
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []domain.FieldViolation{{Field: "discharged_at",
		Description: "must not be in the future: record the admission once the patient has left hospital"}}, ve.Violations)
	require.Empty(t, j.updates, "nothing was sent")
}

package adapters

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
)

func admissionRecorded(id string, admitted, discharged time.Time) *journeyv1.HospitalAdmissionRecorded {
	return &journeyv1.HospitalAdmissionRecorded{JourneyId: "ref-C-1", RequestId: "req-" + id, AdmissionId: id,
		AdmittedAt: timestamppb.New(admitted), DischargedAt: timestamppb.New(discharged), Reason: "copd-exacerbation",
		OccurredAt: timestamppb.New(discharged.Add(time.Hour)), Stage: "respiratory-triage", RequestedBy: "coord-9"}
}

func TestTimelineEntryOfAnAdmission(t *testing.T) {
	admitted := time.Date(2026, 1, 5, 22, 10, 0, 0, time.UTC)
	discharged := time.Date(2026, 1, 9, 11, 0, 0, 0, time.UTC)
	e := entry(events.Recorded{Revision: 4, Payload: admissionRecorded("adm-1", admitted, discharged),
		Meta: events.Metadata{OccurredAt: discharged.Add(time.Hour)}})
	require.Equal(t, "HospitalAdmissionRecorded", e.Type)
	require.EqualValues(t, 4, e.Revision)
	require.Equal(t, "respiratory-triage", e.Stage)
	require.Equal(t, "coord-9", e.Actor)
	require.Equal(t, "req-adm-1", e.RequestID)
	require.Equal(t, "admission_id=adm-1 admitted_at=2026-01-05T22:10:00Z discharged_at=2026-01-09T11:00:00Z reason=copd-exacerbation", e.Summary)
}

func TestReadmissionNotes(t *testing.T) {
	day := 24 * time.Hour
	first := time.Date(2026, 1, 9, 11, 0, 0, 0, time.UTC) // adm-1's hospital discharge
	tests := []struct {
		name     string
		admitted time.Time
		want     string
	}{
		{"within 30 days", first.Add(14*day + time.Hour), "days_since_adm-1_discharge=14 (readmission within 30 days)"},
		{"day 29", first.Add(29*day + 23*time.Hour), "days_since_adm-1_discharge=29 (readmission within 30 days)"},
		{"day 30", first.Add(30 * day), "days_since_adm-1_discharge=30 (readmission within 90 days)"},
		{"after 90 days", first.Add(120 * day), "days_since_adm-1_discharge=120"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r readmissions
			require.Empty(t, r.note(admissionRecorded("adm-1", first.Add(-3*day), first)), "a first admission is no readmission")
			require.Empty(t, r.note(&journeyv1.Discharged{}), "other events pass")
			require.Equal(t, tt.want, r.note(admissionRecorded("adm-2", tt.admitted, tt.admitted.Add(2*day))))
		})
	}
}

func TestTimelineEntryRendersNestedMessages(t *testing.T) {
	e := entry(events.Recorded{Revision: 1, Payload: &journeyv1.PathwayVersionPinned{
		Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1}}})
	require.Equal(t, "pathway={pathway_id=msk version=1}", e.Summary)
}

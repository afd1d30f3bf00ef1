package adapters

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// readmissions follows a journey's hospital admissions in stream order, so each admission's
// timeline entry can say how soon it followed the previous hospital discharge.
type readmissions struct {
	lastID         string
	lastDischarged time.Time
}

// note returns what a HospitalAdmissionRecorded entry adds to its summary ("" for other events
// and for a first admission): the days since the previous admission's hospital discharge, and
// the readmission window (30 or 90 days) it falls in.
func (r *readmissions) note(payload proto.Message) string {
	adm, ok := payload.(*journeyv1.HospitalAdmissionRecorded)
	if !ok {
		return ""
	}
	prevID, prev := r.lastID, r.lastDischarged
	r.lastID, r.lastDischarged = adm.GetAdmissionId(), adm.GetDischargedAt().AsTime()
	if prevID == "" {
		return ""
	}
	days := int(adm.GetAdmittedAt().AsTime().Sub(prev) / (24 * time.Hour))
	window := ""
	switch {
	case days < 30:
		window = " (readmission within 30 days)"
	case days < 90:
		window = " (readmission within 90 days)"
	}
	return fmt.Sprintf("days_since_%s_discharge=%d%s", prevID, days, window)
}

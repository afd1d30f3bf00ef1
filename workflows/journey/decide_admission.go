package journey

import (
	"fmt"
	"regexp"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// admissionReasonPattern is the form of an admission reason code ("copd-exacerbation").
var admissionReasonPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// checkAdmission validates a RecordAdmission request at workflow time now. An admission may be
// recorded at any stage while the journey is open (also after discharge, while follow-ups run),
// once the patient has left hospital, and must not overlap the journey's previous admission.
func checkAdmission(s *State, _ *pathway.Definition, now time.Time, req AdmissionRequest) error {
	if !s.open() {
		return refuse(ErrJourneyClosed, "journey %s is %s", s.JourneyID, s.Status)
	}
	if err := checkAdmissionFields(req); err != nil {
		return err
	}
	switch {
	case req.DischargedAt.After(now):
		return invalidRequest("dischargedAt", fmt.Sprintf("must not be in the future (now %s): an admission is recorded once the patient has left hospital", now.UTC().Format(time.RFC3339)))
	case req.AdmittedAt.Before(s.ReferredAt):
		return invalidRequest("admittedAt", fmt.Sprintf("must not be before the referral (%s)", s.ReferredAt.UTC().Format(time.RFC3339)))
	case s.LastAdmissionDischargedAt != nil && req.AdmittedAt.Before(*s.LastAdmissionDischargedAt):
		return invalidRequest("admittedAt", fmt.Sprintf("overlaps admission adm-%d: must not be before its hospital discharge (%s)",
			s.Admissions, s.LastAdmissionDischargedAt.UTC().Format(time.RFC3339)))
	}
	return nil
}

// checkAdmissionFields checks the rules that need neither the journey nor the clock.
func checkAdmissionFields(req AdmissionRequest) error {
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return err
	}
	switch {
	case req.Reason == "":
		return invalidRequest("reason", "is required")
	case !admissionReasonPattern.MatchString(req.Reason):
		return invalidRequest("reason", "must be a code of 1-64 lower-case letters, digits and '-' (for example \"copd-exacerbation\")")
	case req.AdmittedAt.IsZero():
		return invalidRequest("admittedAt", "is required")
	case req.DischargedAt.IsZero():
		return invalidRequest("dischargedAt", "is required")
	case req.DischargedAt.Before(req.AdmittedAt):
		return invalidRequest("dischargedAt", "must not be before admittedAt")
	}
	return nil
}

// decideAdmission records the admission as adm-<n>. The journey keeps only the count and the last
// hospital discharge (COPD journeys last years); the stream holds every admission.
func decideAdmission(c *change, req AdmissionRequest) {
	s := c.s
	s.Admissions++
	s.LastAdmissionDischargedAt = timePtr(req.DischargedAt.UTC())
	c.admissionID = fmt.Sprintf("adm-%d", s.Admissions)
	admitted, discharged := timestamppb.New(req.AdmittedAt), timestamppb.New(req.DischargedAt)
	i := c.emit(&journeyv1.HospitalAdmissionRecorded{
		JourneyId: s.JourneyID, RequestId: c.reqID, AdmissionId: c.admissionID, AdmittedAt: admitted, DischargedAt: discharged,
		Reason: req.Reason, OccurredAt: c.ts(), Stage: s.Stage, RequestedBy: req.RequestedBy,
	})
	c.dashboard(i, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Admission{Admission: &dashboardv1.AdmissionFact{
			AdmissionId: c.admissionID, AdmittedAt: admitted, DischargedAt: discharged, Reason: req.Reason,
		}}
	})
}

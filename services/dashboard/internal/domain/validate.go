package domain

import (
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Validate checks a fact, naming every field that breaks a rule (fields as in the ingest
// request).
func (f Fact) Validate() error {
	var vs violations
	if strings.TrimSpace(f.EventID) == "" {
		vs.add("event_id", "is required")
	}
	if strings.TrimSpace(f.JourneyID) == "" {
		vs.add("journey_id", "is required")
	}
	checkPathwayID(&vs, "pathway.pathway_id", f.PathwayID)
	if f.Version < 1 {
		vs.add("pathway.version", "must be 1 or more, not %d", f.Version)
	}
	if f.Segment < SegmentGenerallyHealthy || f.Segment > SegmentComplex {
		vs.add("segment", "must be one of generally healthy, long-term conditions or complex, not %d", f.Segment)
	}
	if f.OccurredAt.IsZero() {
		vs.add("occurred_at", "is required")
	}
	f.validateKind(&vs)
	return vs.err()
}

func (f Fact) validateKind(vs *violations) {
	switch f.Kind {
	case KindReferral:
		if f.Referral.ReferredAt.IsZero() {
			vs.add("referral.referred_at", "is required")
		}
	case KindTriage:
		validateScores(vs, "triage.baseline", f.Triage.Baseline)
	case KindIntervention:
		validateIntervention(vs, f.Intervention)
	case KindOutcome:
		if strings.TrimSpace(f.Outcome.Point) == "" {
			vs.add("outcome.collection_point", "is required")
		}
		validateScores(vs, "outcome.measures", f.Outcome.Scores)
	case KindRTT:
		if f.RTT.Status < RTTStarted || f.RTT.Status > RTTBreached {
			vs.add("rtt.status", "must be started, stopped, nullified or breached")
		}
		if f.RTT.StartedAt.IsZero() {
			vs.add("rtt.started_at", "is required")
		}
		if f.RTT.DaysWaited < 0 {
			vs.add("rtt.days_waited", "must not be negative")
		}
	case KindAdmission:
		validateAdmission(vs, f.Admission)
	case KindDischarge, KindCancellation:
	default:
		vs.add("fact", "one of referral, triage, intervention, outcome, discharge, rtt, cancellation or admission is required")
	}
}

func validateIntervention(vs *violations, iv *Intervention) {
	if strings.TrimSpace(iv.ID) == "" {
		vs.add("intervention.intervention_id", "is required")
	}
	if strings.TrimSpace(iv.Code) == "" {
		vs.add("intervention.code", "is required")
	}
	if iv.Status < InterventionScheduled || iv.Status > InterventionDidNotAttend {
		vs.add("intervention.status", "must be scheduled, started, completed or did-not-attend")
	}
	if iv.UnitPricePence < 0 {
		vs.add("intervention.unit_price_pence", "must not be negative")
	}
	if iv.Status == InterventionCompleted && strings.TrimSpace(iv.Provider) == "" {
		vs.add("intervention.provider", "is required for a completed intervention")
	}
}

func validateAdmission(vs *violations, a *Admission) {
	if strings.TrimSpace(a.ID) == "" {
		vs.add("admission.admission_id", "is required")
	}
	if a.AdmittedAt.IsZero() {
		vs.add("admission.admitted_at", "is required")
	}
	if a.DischargedAt.IsZero() {
		vs.add("admission.discharged_at", "is required (admissions are reported once the patient has left hospital)")
	}
	if !a.AdmittedAt.IsZero() && !a.DischargedAt.IsZero() && a.DischargedAt.Before(a.AdmittedAt) {
		vs.add("admission.discharged_at", "must not be before admitted_at (%s < %s)",
			a.DischargedAt.UTC().Format(time.RFC3339), a.AdmittedAt.UTC().Format(time.RFC3339))
	}
}

func validateScores(vs *violations, field string, scores []Score) {
	for i, s := range scores {
		if strings.TrimSpace(s.Measure) == "" {
			vs.add(field+"["+itoa(i)+"].code", "is required")
		}
		if err := pathway.CheckFinite(s.Value); err != nil {
			vs.add(field+"["+itoa(i)+"].value", "%v", err)
		}
	}
}

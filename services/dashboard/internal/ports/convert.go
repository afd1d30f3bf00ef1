package ports

import (
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// FactFromRequest converts an ingest request to a domain fact.
func FactFromRequest(r *dashboardv1.RecordJourneyFactRequest) domain.Fact {
	f := domain.Fact{
		EventID: r.GetEventId(), JourneyID: r.GetJourneyId(), PathwayID: r.GetPathway().GetPathwayId(),
		Version: int(r.GetPathway().GetVersion()), PCN: r.GetPcnOdsCode(), Segment: domain.Segment(r.GetSegment()),
	}
	if r.GetOccurredAt() != nil {
		f.OccurredAt = r.GetOccurredAt().AsTime()
	}
	switch x := r.GetFact().(type) {
	case *dashboardv1.RecordJourneyFactRequest_Referral:
		f.Kind, f.Referral = domain.KindReferral, &domain.Referral{Source: int32(x.Referral.GetSource())}
		if x.Referral.GetReferredAt() != nil {
			f.Referral.ReferredAt = x.Referral.GetReferredAt().AsTime()
		}
	case *dashboardv1.RecordJourneyFactRequest_Triage:
		t := x.Triage
		f.Kind, f.Triage = domain.KindTriage, &domain.Triage{Disposition: t.GetDisposition(), Baseline: Scores(t.GetBaseline()),
			Breached: t.GetBreached(), Completed: t.GetCompleted()}
	case *dashboardv1.RecordJourneyFactRequest_Intervention:
		iv := x.Intervention
		f.Kind = domain.KindIntervention
		f.Intervention = domain.NormaliseIntervention(domain.Intervention{ID: iv.GetInterventionId(), Code: iv.GetCode(), Provider: iv.GetProvider(),
			Status: domain.InterventionStatus(iv.GetStatus()), UnitPricePence: iv.GetUnitPricePence()})
	case *dashboardv1.RecordJourneyFactRequest_Outcome:
		f.Kind, f.Outcome = domain.KindOutcome, &domain.Outcome{Point: x.Outcome.GetCollectionPoint(), Scores: Scores(x.Outcome.GetMeasures())}
	case *dashboardv1.RecordJourneyFactRequest_Discharge:
		f.Kind, f.Discharge = domain.KindDischarge, &domain.Reasoned{Reason: x.Discharge.GetReason()}
	case *dashboardv1.RecordJourneyFactRequest_Cancellation:
		f.Kind, f.Cancellation = domain.KindCancellation, &domain.Reasoned{Reason: x.Cancellation.GetReason()}
	case *dashboardv1.RecordJourneyFactRequest_Admission:
		f.Kind, f.Admission = domain.KindAdmission, &domain.Admission{ID: x.Admission.GetAdmissionId(), Reason: x.Admission.GetReason()}
		if x.Admission.GetAdmittedAt() != nil {
			f.Admission.AdmittedAt = x.Admission.GetAdmittedAt().AsTime()
		}
		if x.Admission.GetDischargedAt() != nil {
			f.Admission.DischargedAt = x.Admission.GetDischargedAt().AsTime()
		}
	case *dashboardv1.RecordJourneyFactRequest_Rtt:
		f.Kind, f.RTT = domain.KindRTT, &domain.RTT{Status: domain.RTTStatus(x.Rtt.GetStatus()), DaysWaited: int(x.Rtt.GetDaysWaited())}
		if x.Rtt.GetStartedAt() != nil {
			f.RTT.StartedAt = x.Rtt.GetStartedAt().AsTime()
		}
	}
	return f
}

// Scores converts measures.
func Scores(ms []*journeyv1.Measure) []domain.Score {
	if len(ms) == 0 {
		return nil
	}
	out := make([]domain.Score, len(ms))
	for i, m := range ms {
		out[i] = domain.Score{Measure: m.GetCode(), Value: m.GetValue(), Scale: m.GetScale()}
	}
	return out
}

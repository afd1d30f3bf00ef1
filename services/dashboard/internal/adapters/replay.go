package adapters

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// Translator turns a journey stream's events into the facts the journey workflow pushes for
// them, with the same event IDs. It keeps a little state per journey (its pathway version,
// PCN, segment, triage breach and interventions). Not safe for concurrent use.
type Translator struct {
	journeys map[string]*journeyState
}

type journeyState struct {
	base           domain.Fact
	pending        *domain.Fact // the referral, waiting for its pinned version
	triageBreached bool
	interventions  map[string][2]string // id -> code, provider
}

// NewTranslator returns an empty Translator.
func NewTranslator() *Translator { return &Translator{journeys: map[string]*journeyState{}} }

// Translate returns the facts of one recorded journey event (none for events the dashboard does
// not count).
func (t *Translator) Translate(r events.Recorded) []domain.Fact {
	if ev, ok := r.Payload.(*journeyv1.ReferralReceived); ok {
		js := &journeyState{interventions: map[string][2]string{}}
		js.base = domain.Fact{JourneyID: ev.GetJourneyId(), PathwayID: ev.GetPathwayId(), PCN: ev.GetPcnOdsCode(), Segment: domain.Segment(ev.GetSegment())}
		f := js.fact(r.ID.String(), ev.GetOccurredAt())
		f.Kind, f.Referral = domain.KindReferral, &domain.Referral{Source: int32(ev.GetSource()), ReferredAt: ev.GetReferredAt().AsTime()}
		js.pending = &f
		t.journeys[ev.GetJourneyId()] = js
		return nil
	}
	js := t.journeys[events.ID(r.Stream)]
	if js == nil {
		return nil
	}
	return js.translate(r)
}

func (js *journeyState) fact(id string, at *timestamppb.Timestamp) domain.Fact {
	f := js.base
	f.EventID, f.OccurredAt = id, at.AsTime()
	return f
}

func (js *journeyState) translate(r events.Recorded) []domain.Fact {
	id := r.ID.String()
	switch ev := r.Payload.(type) {
	case *journeyv1.PathwayVersionPinned:
		js.base.Version = int(ev.GetPathway().GetVersion())
		if js.pending == nil {
			return nil
		}
		f := *js.pending
		f.Version, js.pending = js.base.Version, nil
		return []domain.Fact{f}
	case *journeyv1.PathwayVersionMigrated:
		js.base.Version = int(ev.GetTo().GetVersion())
	case *journeyv1.TriageCompleted:
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Triage = domain.KindTriage, &domain.Triage{Disposition: ev.GetDisposition(), Baseline: scores(ev.GetBaseline()),
			Breached: ev.GetLate() || js.triageBreached, Completed: true}
		return []domain.Fact{f}
	case *journeyv1.TriageBreached:
		js.triageBreached = true
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Triage = domain.KindTriage, &domain.Triage{Breached: true}
		return []domain.Fact{f}
	case *journeyv1.OutcomeRecorded:
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Outcome = domain.KindOutcome, &domain.Outcome{Point: ev.GetCollectionPoint(), Scores: scores(ev.GetMeasures())}
		return []domain.Fact{f}
	case *journeyv1.Discharged:
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Discharge = domain.KindDischarge, &domain.Reasoned{Reason: ev.GetReason()}
		return []domain.Fact{f}
	case *journeyv1.JourneyCancelled:
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Cancellation = domain.KindCancellation, &domain.Reasoned{Reason: ev.GetReason()}
		return []domain.Fact{f}
	}
	return js.translateClocksAndCare(r)
}

func (js *journeyState) translateClocksAndCare(r events.Recorded) []domain.Fact {
	id := r.ID.String()
	switch ev := r.Payload.(type) {
	case *journeyv1.RTTClockStarted:
		return []domain.Fact{js.rtt(id, domain.RTTStarted, ev.GetStartedAt(), ev.GetStartedAt(), 0)}
	case *journeyv1.RTTClockStopped:
		return []domain.Fact{js.rtt(id, domain.RTTStopped, ev.GetStartedAt(), ev.GetStoppedAt(), int(ev.GetDaysWaited()))}
	case *journeyv1.RTTClockNullified:
		return []domain.Fact{js.rtt(id, domain.RTTNullified, ev.GetStartedAt(), ev.GetNullifiedAt(), days(ev.GetStartedAt(), ev.GetNullifiedAt()))}
	case *journeyv1.RTTClockBreached:
		return []domain.Fact{js.rtt(id, domain.RTTBreached, ev.GetStartedAt(), ev.GetOccurredAt(), days(ev.GetStartedAt(), ev.GetOccurredAt()))}
	case *journeyv1.InterventionScheduled:
		js.interventions[ev.GetInterventionId()] = [2]string{ev.GetCode(), ev.GetProvider()}
		return js.intervention(id, ev.GetOccurredAt(), domain.Intervention{ID: ev.GetInterventionId(), Code: ev.GetCode(), Provider: ev.GetProvider(), Status: domain.InterventionScheduled})
	case *journeyv1.InterventionStarted:
		return js.intervention(id, ev.GetOccurredAt(), domain.Intervention{ID: ev.GetInterventionId(), Code: ev.GetCode(), Status: domain.InterventionStarted})
	case *journeyv1.InterventionCompleted:
		return js.intervention(id, ev.GetOccurredAt(), domain.Intervention{ID: ev.GetInterventionId(), Code: ev.GetCode(), Provider: ev.GetProvider(),
			Status: domain.InterventionCompleted, UnitPricePence: ev.GetUnitPricePence()})
	case *journeyv1.DidNotAttend:
		code := js.interventions[ev.GetInterventionId()][0]
		return js.intervention(id, ev.GetOccurredAt(), domain.Intervention{ID: ev.GetInterventionId(), Code: code, Status: domain.InterventionDidNotAttend})
	case *journeyv1.HospitalAdmissionRecorded:
		f := js.fact(id, ev.GetOccurredAt())
		f.Kind, f.Admission = domain.KindAdmission, &domain.Admission{ID: ev.GetAdmissionId(), AdmittedAt: asTime(ev.GetAdmittedAt()),
			DischargedAt: asTime(ev.GetDischargedAt()), Reason: ev.GetReason()}
		return []domain.Fact{f}
	}
	return nil
}

func (js *journeyState) rtt(id string, st domain.RTTStatus, started, at *timestamppb.Timestamp, waited int) domain.Fact {
	f := js.fact(id, at)
	f.Kind, f.RTT = domain.KindRTT, &domain.RTT{Status: st, StartedAt: started.AsTime(), DaysWaited: waited}
	return f
}

func (js *journeyState) intervention(id string, at *timestamppb.Timestamp, iv domain.Intervention) []domain.Fact {
	f := js.fact(id, at)
	f.Kind, f.Intervention = domain.KindIntervention, domain.NormaliseIntervention(iv)
	return []domain.Fact{f}
}

// asTime is the timestamp's time, or the zero time when it is missing (as the ingest request
// converts it, so the same event fails the same validation either way).
func asTime(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

func days(a, b *timestamppb.Timestamp) int { return domain.DaysBetween(a.AsTime(), b.AsTime()) }

func scores(ms []*journeyv1.Measure) []domain.Score {
	if len(ms) == 0 {
		return nil
	}
	out := make([]domain.Score, len(ms))
	for i, m := range ms {
		out[i] = domain.Score{Measure: m.GetCode(), Value: m.GetValue(), Scale: m.GetScale()}
	}
	return out
}

package demo

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

func m(code string, v float64, scale string) *journeyv1.Measure {
	return &journeyv1.Measure{Code: code, Value: v, Scale: scale}
}

// triage records a triage due dueDays after referral, taking 0..maxDays; a late one is breached
// first at its due time.
func (g *gen) triage(referred time.Time, dueDays, maxDays int, disposition string, baseline []*journeyv1.Measure) (time.Time, bool) {
	at := referred.Add(g.days(0, maxDays))
	due := referred.Add(time.Duration(dueDays) * 24 * time.Hour)
	late := at.After(due)
	if late {
		g.emit(due, func(r *dashboardv1.RecordJourneyFactRequest) {
			r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{Breached: true}}
		})
	}
	ok := g.emit(at, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Triage{Triage: &dashboardv1.TriageFact{
			Disposition: disposition, Baseline: baseline, Breached: late, Completed: true}}
	})
	return at, ok
}

func (g *gen) rtt(st dashboardv1.RTTStatus, started, at time.Time) {
	g.emit(at, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Rtt{Rtt: &dashboardv1.RTTStatusFact{
			Status: st, StartedAt: timestamppb.New(started), DaysWaited: int32(at.Sub(started).Hours() / 24)}}
	})
}

// intervention books and delivers one intervention; it reports when it was completed.
func (g *gen) intervention(id, code, provider string, price int64, from time.Time) (time.Time, bool) {
	fact := func(st dashboardv1.InterventionStatus) func(*dashboardv1.RecordJourneyFactRequest) {
		return func(r *dashboardv1.RecordJourneyFactRequest) {
			r.Fact = &dashboardv1.RecordJourneyFactRequest_Intervention{Intervention: &dashboardv1.InterventionFact{
				InterventionId: id, Code: code, Provider: provider, Status: st, UnitPricePence: price}}
		}
	}
	booked := from.Add(g.days(1, 14))
	if !g.emit(booked, fact(dashboardv1.InterventionStatus_INTERVENTION_STATUS_SCHEDULED)) {
		return time.Time{}, false
	}
	if g.r.Float64() < 0.08 {
		g.emit(booked.Add(g.days(3, 10)), fact(dashboardv1.InterventionStatus_INTERVENTION_STATUS_DID_NOT_ATTEND))
		return time.Time{}, false
	}
	done := booked.Add(g.days(7, 70))
	return done, g.emit(done, fact(dashboardv1.InterventionStatus_INTERVENTION_STATUS_COMPLETED))
}

func (g *gen) discharge(at time.Time, ms []*journeyv1.Measure) {
	if !g.emit(at, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Outcome{Outcome: &dashboardv1.OutcomeFact{CollectionPoint: "discharge", Measures: ms}}
	}) {
		return
	}
	g.emit(at, func(r *dashboardv1.RecordJourneyFactRequest) {
		r.Fact = &dashboardv1.RecordJourneyFactRequest_Discharge{Discharge: &dashboardv1.DischargeFact{Reason: "goals met"}}
	})
}

// mskCare are the MSK interventions of msk v1, weighted by repetition.
var mskCare = []struct {
	code, provider string
	price          int64
}{
	{"physio-f2f", "NZX01", 4500}, {"physio-f2f", "NZX01", 4500}, {"physio-telephone", "NZX01", 3200},
	{"cats-assessment", "Y0Z01", 9500}, {"msk-injection", "Y0Z01", 12000}, {"advice-self-management", "8ZX01", 2200},
}

func (g *gen) msk(referred time.Time) {
	rttClock := g.r.Float64() < 0.35
	if rttClock {
		g.rtt(dashboardv1.RTTStatus_RTT_STATUS_STARTED, referred, referred)
	}
	hq, eq := g.normal(26, 8, 0, 56), g.normal(55, 15, -28, 95)/100
	triaged, ok := g.triage(referred, 5, 9, "physiotherapy", []*journeyv1.Measure{m("msk-hq", hq, ""), m("eq5d5l-index", eq, "")})
	if !ok {
		return
	}
	iv := mskCare[g.r.IntN(len(mskCare))]
	done, ok := g.intervention("iv-1", iv.code, iv.provider, iv.price, triaged)
	if !ok {
		return
	}
	if rttClock {
		g.rtt(dashboardv1.RTTStatus_RTT_STATUS_STOPPED, referred, done)
	}
	g.discharge(done.Add(g.days(1, 30)), []*journeyv1.Measure{
		m("msk-hq", g.normal(hq+7, 6, 0, 56), ""), m("eq5d5l-index", min(0.951, eq+g.normal(10, 10, -30, 40)/100), ""),
		m("feeling-supported", g.normal(7, 2, 0, 10), ""),
	})
}

func (g *gen) copd(referred time.Time) {
	cat, mrc := g.normal(21, 6, 0, 40), g.normal(3, 1, 1, 5)
	home, sup := g.normal(75, 10, 0, 90), g.normal(5, 2, 0, 10)
	rttClock := g.r.Float64() < 0.2
	if rttClock {
		g.rtt(dashboardv1.RTTStatus_RTT_STATUS_STARTED, referred, referred)
	}
	baseline := []*journeyv1.Measure{m("cat", cat, ""), m("mrc-dyspnoea", mrc, "MRC 1-5"), m("days-at-home", home, ""), m("feeling-supported", sup, "")}
	triaged, ok := g.triage(referred, 14, 20, "care-bundle", baseline)
	if !ok {
		return
	}
	g.admissions(referred, triaged)
	last := triaged
	if mrc >= 3 {
		if last, ok = g.intervention("iv-1", "pulmonary-rehab", "NZX01", 72500, triaged); !ok {
			return
		}
		if rttClock {
			g.rtt(dashboardv1.RTTStatus_RTT_STATUS_STOPPED, referred, last)
		}
	}
	if g.r.Float64() < 0.4 {
		if last, ok = g.intervention("iv-2", "stop-smoking", "8ZX01", 18000, last); !ok {
			return
		}
	}
	g.discharge(last.Add(g.days(20, 90)), []*journeyv1.Measure{
		m("cat", g.normal(cat-2.5, 3, 0, 40), ""), m("mrc-dyspnoea", g.normal(mrc-0.4, 0.7, 1, 5), "MRC 1-5"),
		m("days-at-home", g.normal(home+5, 8, 0, 90), ""), m("feeling-supported", g.normal(sup+1.5, 2, 0, 10), ""),
	})
}

// admissions records unplanned hospital admissions of a COPD journey, each reported the day
// after the patient left hospital: the exacerbation that led to about a third of referrals, one
// during about one journey in six, and after each a readmission near the rates of a published
// London cohort (about 10% within 30 days, 18% within 90, counting the chains that follow).
func (g *gen) admissions(referred, triaged time.Time) {
	span := func(lo, hi int) time.Duration {
		return time.Duration(lo+g.ra.IntN(hi-lo+1))*24*time.Hour + time.Duration(g.ra.IntN(8*3600))*time.Second
	}
	var starts []time.Time
	if g.ra.Float64() < 0.35 {
		starts = append(starts, referred.Add(-span(10, 40)))
	}
	if g.ra.Float64() < 0.15 {
		starts = append(starts, triaged.Add(span(20, 200)))
	}
	n := 0
	for _, admitted := range starts {
		for !admitted.IsZero() {
			n++
			discharged := admitted.Add(span(2, 9))
			fact := &dashboardv1.AdmissionFact{AdmissionId: "adm-" + strconv.Itoa(n), AdmittedAt: timestamppb.New(admitted),
				DischargedAt: timestamppb.New(discharged), Reason: "copd-exacerbation"}
			if !g.emit(discharged.Add(24*time.Hour), func(r *dashboardv1.RecordJourneyFactRequest) {
				r.Fact = &dashboardv1.RecordJourneyFactRequest_Admission{Admission: fact}
			}) {
				break
			}
			switch p := g.ra.Float64(); {
			case p < 0.10:
				admitted = discharged.Add(span(1, 29))
			case p < 0.16:
				admitted = discharged.Add(span(31, 89))
			default:
				admitted = time.Time{}
			}
		}
	}
}

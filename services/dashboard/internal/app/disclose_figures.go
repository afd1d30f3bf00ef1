package app

import (
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
)

// discloseSystem applies r to the "Our System" figures: each month row adds up to its period
// figure (referrals, completed journeys, triage shares); the period's waiting and RTT figures are
// the last month's; costs and the cost per journey go with the completed journeys; percentages
// and the cost per journey are computed from the true counts first.
func discloseSystem(out *dashboardv1.GetSystemFiguresResponse, r disclosure.Rule) {
	if out.CompletedJourneys > 0 {
		out.CostPerCompletedJourneyPence = out.CompletedJourneyCostPence / out.CompletedJourneys
		out.HasCostPerCompletedJourney = true
	}
	var d discloser
	refs := d.count(&out.ReferralsReceived, &out.ReferralsReceivedSuppressed)
	waiting := d.count(&out.WaitingForTriage, &out.WaitingForTriageSuppressed)
	completed := d.count(&out.CompletedJourneys, &out.CompletedJourneysSuppressed)
	d.value(completed, &out.CompletedJourneyCostPence, &out.CompletedJourneyCostSuppressed)
	d.withheld(completed, func() { out.CostPerCompletedJourneyPence, out.HasCostPerCompletedJourney = 0, false })
	triage, rtt := d.share(out.TriageWithinSla), d.share(out.RttWithin_18Weeks)
	var mRefs, mCompleted []disclosure.Cell
	var mTriage []disclosure.ShareCells
	for i, m := range out.Months {
		mRefs = append(mRefs, d.count(&m.ReferralsReceived, &m.ReferralsReceivedSuppressed))
		mCompleted = append(mCompleted, d.count(&m.CompletedJourneys, &m.CompletedJourneysSuppressed))
		mTriage = append(mTriage, d.share(m.TriageWithinSla))
		w, s := d.count(&m.WaitingForTriage, &m.WaitingForTriageSuppressed), d.share(m.RttWithin_18Weeks)
		if i == len(out.Months)-1 {
			d.same(waiting, w)
			d.sameShare(rtt, s)
		}
	}
	if len(out.Months) > 0 {
		d.t.Sum(refs, mRefs...)
		d.t.Sum(completed, mCompleted...)
		d.sumShares(triage, mTriage)
	}
	for _, iv := range out.Interventions {
		d.count(&iv.Scheduled, &iv.ScheduledSuppressed)
		done := d.count(&iv.Completed, &iv.CompletedSuppressed)
		d.count(&iv.DidNotAttend, &iv.DidNotAttendSuppressed)
		d.value(done, &iv.CostPence, &iv.CostSuppressed)
	}
	d.apply(r)
}

// disclosePopulation applies r to the "Our Population" figures: a measure's months add up to it
// (journeys, MIC shares), its MIC and improved totals are its journeys, means go with the
// journeys they average, a patient outcome with a baseline shows its measure's numbers again,
// and a readmission window's months add up to it (shares and open windows) as its closed and open
// admissions add up to the index admissions when it covers every pathway that counts them.
func disclosePopulation(out *dashboardv1.GetPopulationFiguresResponse, r disclosure.Rule) {
	var d discloser
	measures := map[[2]string]measureCells{}
	for _, m := range out.Measures {
		measures[[2]string{m.PathwayId, m.Code}] = discloseMeasure(&d, m)
	}
	for _, p := range out.PatientOutcomes {
		j := d.count(&p.Journeys, &p.JourneysSuppressed)
		d.withheld(j, func() { p.MeanBaseline, p.MeanLatest = 0, 0 })
		imp := d.share(p.Improved)
		if m, ok := measures[[2]string{p.PathwayId, p.MeasureCode}]; ok && p.WithBaseline {
			d.same(j, m.journeys)
			d.sameShare(imp, m.improved)
		}
	}
	discloseReadmissions(&d, out.Readmissions)
	d.apply(r)
}

// measureCells are the cells of a measure a patient outcome shows again.
type measureCells struct {
	journeys disclosure.Cell
	improved disclosure.ShareCells
}

func discloseMeasure(d *discloser, m *dashboardv1.MeasureOutcome) (s measureCells) {
	s.journeys = d.count(&m.Journeys, &m.JourneysSuppressed)
	d.withheld(s.journeys, func() { m.MeanBaseline, m.MeanLatest, m.MeanChange = 0, 0, 0 })
	mic := d.share(m.ReachedMic)
	s.improved = d.share(m.Improved)
	d.same(s.journeys, mic.Total)
	d.same(s.journeys, s.improved.Total)
	var journeys []disclosure.Cell
	var mics []disclosure.ShareCells
	for _, mm := range m.Months {
		j := d.count(&mm.Journeys, &mm.JourneysSuppressed)
		d.withheld(j, func() { mm.MeanChange = 0 })
		ms := d.share(mm.ReachedMic)
		d.same(j, ms.Total)
		journeys, mics = append(journeys, j), append(mics, ms)
	}
	if len(m.Months) > 0 {
		d.t.Sum(s.journeys, journeys...)
		d.sumShares(mic, mics)
	}
	return s
}

func discloseReadmissions(d *discloser, r *dashboardv1.Readmissions) {
	if r == nil {
		return
	}
	index := d.count(&r.IndexAdmissions, &r.IndexAdmissionsSuppressed)
	union := map[string]bool{}
	for _, w := range r.Windows {
		for _, p := range w.PathwayIds {
			union[p] = true
		}
	}
	for _, w := range r.Windows {
		share, pending := d.share(w.Readmitted), d.count(&w.Pending, &w.PendingSuppressed)
		if len(w.PathwayIds) == len(union) {
			d.t.Sum(index, share.Total, pending)
		}
		var shares []disclosure.ShareCells
		var pendings []disclosure.Cell
		for _, m := range w.Months {
			shares = append(shares, d.share(m.Readmitted))
			pendings = append(pendings, d.count(&m.Pending, &m.PendingSuppressed))
		}
		if len(w.Months) > 0 {
			d.sumShares(share, shares)
			d.t.Sum(pending, pendings...)
		}
	}
}

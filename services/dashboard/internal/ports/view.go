package ports

import (
	"fmt"
	"html/template"
	"net/http"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// view is what the page template renders.
type view struct {
	// User is the signed-in person's name; CSRF, with a session, the sign-out form's token.
	User, CSRF            string
	Query                 string
	Pathway, PCN, Segment string
	From, To              string
	Problems              []domain.FieldViolation
	Segments              []struct {
		Value int
		Name  string
	}
	Dims *dashboardv1.ListDimensionsResponse
	Sys  *dashboardv1.GetSystemFiguresResponse
	Pop  *dashboardv1.GetPopulationFiguresResponse

	ReferralsChart, WaitingChart, RTTChart, TriageChart template.HTML
	MICChart, ImprovedChart                             template.HTML
	// MICTrends are the monthly MIC share lines of measures with an MIC and scores.
	MICTrends []micTrend
	// ReadmissionTrends are the monthly lines of each readmission window.
	ReadmissionTrends []readmissionTrend
	RTTPercent        template.HTML
	// RTTStatus is "meets" or "below" the standard, or "" without incomplete pathways.
	RTTStatus           string
	BudgetPercent       template.HTML
	CostPerJourneyPence int64
	PathwayTitles       map[string]string
}

func (v *view) load(r *http.Request, a *app.App, f domain.Filter) error {
	var err error
	if v.Dims, err = a.Dimensions(r.Context()); err != nil {
		return err
	}
	if v.Sys, err = a.SystemFigures(r.Context(), f, viewer(r.Context())); err != nil {
		return err
	}
	if v.Pop, err = a.PopulationFigures(r.Context(), f, viewer(r.Context())); err != nil {
		return err
	}
	v.PathwayTitles = map[string]string{}
	for _, p := range a.Catalog().Pathways() {
		v.PathwayTitles[p] = a.Catalog().Title(p)
	}
	v.charts()
	return nil
}

// sharePoint is a share's percentage (from the true counts), missing without one.
func sharePoint(label string, s *dashboardv1.Share) Point {
	return Point{Label: label, Value: s.GetPercent(), Missing: !s.GetHasPercent(), Suppressed: withheld(s)}
}

// countPoint is a count, or a withheld mark.
func countPoint(label string, v int64, hidden bool) Point {
	return Point{Label: label, Value: float64(v), Missing: hidden, Suppressed: hidden}
}

func (v *view) charts() {
	var refs, waiting, rtt, triage []Point
	for _, m := range v.Sys.Months {
		refs = append(refs, countPoint(m.Month, m.ReferralsReceived, m.ReferralsReceivedSuppressed))
		waiting = append(waiting, countPoint(m.Month, m.WaitingForTriage, m.WaitingForTriageSuppressed))
		rtt = append(rtt, sharePoint(m.Month, m.RttWithin_18Weeks))
		triage = append(triage, sharePoint(m.Month, m.TriageWithinSla))
	}
	v.ReferralsChart = BarChart("chart-referrals", "Referrals received by month", "Bar chart of referrals received each month of the period.", refs)
	v.WaitingChart = BarChart("chart-waiting", "Waiting for triage at each month end", "Bar chart of journeys referred and not yet triaged at the end of each month.", waiting)
	v.RTTChart = LineChart("chart-rtt", "Incomplete pathways within 18 weeks", "Line chart of the share of incomplete RTT pathways waiting 18 weeks or less at each month end, against the 92% standard line.", rtt, domain.RTTStandardPercent)
	v.TriageChart = LineChart("chart-triage", "Triage within SLA by month", "Line chart of the share of triages completed on time each month.", triage, 0)
	var mic, improved []Point
	for _, m := range v.Pop.Measures {
		label := m.PathwayId + " · " + m.Code
		if m.HasMic {
			mic = append(mic, sharePoint(label, m.ReachedMic))
		}
		if m.Journeys > 0 || m.JourneysSuppressed {
			improved = append(improved, sharePoint(label, m.Improved))
		}
	}
	for _, m := range v.Pop.Measures {
		if !m.HasMic || (m.Journeys == 0 && !m.JourneysSuppressed) {
			continue
		}
		var pts []Point
		for _, mm := range m.Months {
			pts = append(pts, sharePoint(mm.Month, mm.ReachedMic))
		}
		id := "chart-mic-" + m.PathwayId + "-" + m.Code
		v.MICTrends = append(v.MICTrends, micTrend{ID: id, Measure: m, Chart: LineChart(id, m.Name+": share reaching the MIC by month",
			"Line chart of the share of journeys reaching the minimal important change, by month of their latest score.", pts, 0)})
	}
	for _, w := range v.Pop.GetReadmissions().GetWindows() {
		var pts []Point
		for _, m := range w.Months {
			pts = append(pts, sharePoint(m.Month, m.Readmitted))
		}
		id := fmt.Sprintf("chart-readmitted-%d", w.Days)
		v.ReadmissionTrends = append(v.ReadmissionTrends, readmissionTrend{ID: id, Window: w, Chart: LineChart(id,
			fmt.Sprintf("Readmitted within %d days, by month of discharge", w.Days),
			fmt.Sprintf("Line chart of the share of admissions discharged each month that were followed by another admission within %d days; months whose windows are all still open have no point.", w.Days), pts, 0)})
	}
	v.MICChart = HBarChart("chart-mic", "Share reaching the minimal important change", "Horizontal bars: share of journeys whose score improved by at least the minimal important change, per measure.", mic)
	v.ImprovedChart = HBarChart("chart-improved", "Share improving at all", "Horizontal bars: share of journeys whose latest score is better than baseline, per measure.", improved)
	v.RTTPercent = pct(v.Sys.RttWithin_18Weeks)
	if rtt := v.Sys.RttWithin_18Weeks; rtt.GetHasPercent() {
		v.RTTStatus = "meets"
		if rtt.GetPercent() < v.Sys.RttStandardPercent {
			v.RTTStatus = "below"
		}
	}
	if b := v.Sys.Budget; b.Available {
		p, ok := (domain.Share{Count: b.SpentPence, Total: b.AllocatedToDatePence}).Percent()
		v.BudgetPercent = pct(&dashboardv1.Share{Count: b.SpentPence, Total: b.AllocatedToDatePence, Percent: p, HasPercent: ok})
	}
	v.CostPerJourneyPence = v.Sys.CostPerCompletedJourneyPence
}

// readmissionTrend is one readmission window's monthly line.
type readmissionTrend struct {
	ID     string
	Window *dashboardv1.ReadmissionWindow
	Chart  template.HTML
}

// micTrend is one measure's monthly MIC share line.
type micTrend struct {
	ID      string
	Measure *dashboardv1.MeasureOutcome
	Chart   template.HTML
}

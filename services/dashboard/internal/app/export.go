package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// Dimensions lists the pathways and PCNs held and the months with referrals.
// The answer is cached until the read model changes.
func (a *App) Dimensions(ctx context.Context) (*dashboardv1.ListDimensionsResponse, error) {
	shared, err := cached(a.cache, cacheKey{kind: "dimensions"}, func() (*dashboardv1.ListDimensionsResponse, error) {
		return a.dimensions(ctx)
	})
	if err != nil {
		return nil, err
	}
	return proto.Clone(shared).(*dashboardv1.ListDimensionsResponse), nil
}

func (a *App) dimensions(ctx context.Context) (*dashboardv1.ListDimensionsResponse, error) {
	pathways, pcns, first, last, err := a.model.Dimensions(ctx)
	if err != nil {
		return nil, err
	}
	out := &dashboardv1.ListDimensionsResponse{PathwayIds: pathways, PcnOdsCodes: pcns}
	if first != 0 {
		out.FirstMonth = domain.MonthOf(time.Unix(first, 0)).String()
		out.LastMonth = domain.MonthOf(time.Unix(last, 0)).String()
	}
	return out, nil
}

// ExportCSV writes every figure of both lenses for v as CSV rows:
// lens,figure,key,month,value,count,total,percent. Readmission rows carry the window in days as
// their key: readmitted_within_days (count of total closed windows) and readmission_window_open
// (index admissions whose window is still open). A count withheld under the disclosure rule is
// "*"; percent comes from the true counts; the last row (lens "note", figure "disclosure") says
// the rule in words.
func (a *App) ExportCSV(ctx context.Context, f domain.Filter, v Viewer) ([]byte, error) {
	sys, err := a.SystemFigures(ctx, f, v)
	if err != nil {
		return nil, err
	}
	pop, err := a.PopulationFigures(ctx, f, v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"lens", "figure", "key", "month", "value", "count", "total", "percent"})
	row := func(lens, figure, key, month, value string, s *dashboardv1.Share) {
		count, total, pct := "", "", ""
		if s != nil {
			count, total = n(s.Count, s.CountSuppressed), n(s.Total, s.TotalSuppressed)
			if s.HasPercent {
				pct = strconv.FormatFloat(s.Percent, 'f', 1, 64)
			}
		}
		_ = w.Write([]string{lens, figure, key, month, value, count, total, pct})
	}
	systemRows(row, sys)
	populationRows(row, sys.FromMonth+".."+sys.ToMonth, pop)
	row("note", "disclosure", "", "", sys.GetDisclosure().GetNote(), nil)
	w.Flush()
	return buf.Bytes(), w.Error()
}

type csvRow func(lens, figure, key, month, value string, s *dashboardv1.Share)

func systemRows(row csvRow, sys *dashboardv1.GetSystemFiguresResponse) {
	period := sys.FromMonth + ".." + sys.ToMonth
	row("system", "referrals_received", "", period, n(sys.ReferralsReceived, sys.ReferralsReceivedSuppressed), nil)
	row("system", "waiting_for_triage", "", sys.ToMonth, n(sys.WaitingForTriage, sys.WaitingForTriageSuppressed), nil)
	row("system", "triage_within_sla", "", period, "", sys.TriageWithinSla)
	row("system", "rtt_within_18_weeks", "", sys.ToMonth, "", sys.RttWithin_18Weeks)
	row("system", "completed_journeys", "", period, n(sys.CompletedJourneys, sys.CompletedJourneysSuppressed), nil)
	row("system", "completed_journey_cost_pence", "", period, n(sys.CompletedJourneyCostPence, sys.CompletedJourneyCostSuppressed), nil)
	if sys.HasCostPerCompletedJourney || sys.CompletedJourneysSuppressed {
		row("system", "cost_per_completed_journey_pence", "", period, n(sys.CostPerCompletedJourneyPence, !sys.HasCostPerCompletedJourney), nil)
	}
	if b := sys.Budget; b.GetAvailable() {
		s := &dashboardv1.Share{Count: b.SpentPence, Total: b.AllocatedToDatePence}
		if s.Total > 0 {
			s.Percent, s.HasPercent = 100*float64(s.Count)/float64(s.Total), true
		}
		row("system", "budget_used_pence", "", sys.ToMonth, i64(b.SpentPence), s)
	}
	for _, iv := range sys.Interventions {
		key := iv.Code + "/" + iv.Provider
		row("system", "interventions_completed", key, period, n(iv.Completed, iv.CompletedSuppressed), nil)
		row("system", "interventions_did_not_attend", key, period, n(iv.DidNotAttend, iv.DidNotAttendSuppressed), nil)
		row("system", "interventions_cost_pence", key, period, n(iv.CostPence, iv.CostSuppressed), nil)
	}
	for _, m := range sys.Months {
		row("system", "referrals_received", "", m.Month, n(m.ReferralsReceived, m.ReferralsReceivedSuppressed), nil)
		row("system", "triage_within_sla", "", m.Month, "", m.TriageWithinSla)
		row("system", "rtt_within_18_weeks", "", m.Month, "", m.RttWithin_18Weeks)
		row("system", "waiting_for_triage", "", m.Month, n(m.WaitingForTriage, m.WaitingForTriageSuppressed), nil)
	}
}

func populationRows(row csvRow, period string, pop *dashboardv1.GetPopulationFiguresResponse) {
	for _, m := range pop.Measures {
		key := m.PathwayId + "/" + m.Code
		row("population", "mean_change", key, period, mean(m.MeanChange, m.JourneysSuppressed),
			&dashboardv1.Share{Total: m.Journeys, TotalSuppressed: m.JourneysSuppressed})
		if m.HasMic {
			row("population", "reached_mic", key, period, "", m.ReachedMic)
		}
	}
	for _, p := range pop.PatientOutcomes {
		row("population", "patient_outcome_mean_latest", p.PathwayId+"/"+p.Id, period, mean(p.MeanLatest, p.JourneysSuppressed),
			&dashboardv1.Share{Total: p.Journeys, TotalSuppressed: p.JourneysSuppressed})
	}
	if r := pop.Readmissions; r.GetAvailable() {
		row("population", "index_admissions", "", period, n(r.IndexAdmissions, r.IndexAdmissionsSuppressed), nil)
		for _, w := range r.Windows {
			days := strconv.Itoa(int(w.Days))
			row("population", "readmitted_within_days", days, period, "", w.Readmitted)
			row("population", "readmission_window_open", days, period, n(w.Pending, w.PendingSuppressed), nil)
			for _, m := range w.Months {
				row("population", "readmitted_within_days", days, m.Month, "", m.Readmitted)
				row("population", "readmission_window_open", days, m.Month, n(m.Pending, m.PendingSuppressed), nil)
			}
		}
	}
}

// Suppressed is how a withheld figure is shown on the page and in CSV.
const Suppressed = "*"

// n is a count as shown: Suppressed when withheld.
func n(v int64, hidden bool) string {
	if hidden {
		return Suppressed
	}
	return i64(v)
}

func mean(v float64, hidden bool) string {
	if hidden {
		return Suppressed
	}
	return f64(v)
}

func i64(v int64) string   { return strconv.FormatInt(v, 10) }
func f64(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

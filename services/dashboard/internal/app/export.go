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

// ExportCSV writes every figure of both lenses as CSV rows: lens,figure,key,month,value,count,total.
// Readmission rows carry the window in days as their key: readmitted_within_days (count of
// total closed windows) and readmission_window_open (index admissions whose window is still open).
func (a *App) ExportCSV(ctx context.Context, f domain.Filter) ([]byte, error) {
	sys, err := a.SystemFigures(ctx, f)
	if err != nil {
		return nil, err
	}
	pop, err := a.PopulationFigures(ctx, f)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"lens", "figure", "key", "month", "value", "count", "total"})
	row := func(lens, figure, key, month, value string, s *dashboardv1.Share) {
		count, total := "", ""
		if s != nil {
			count, total = i64(s.Count), i64(s.Total)
		}
		_ = w.Write([]string{lens, figure, key, month, value, count, total})
	}
	period := sys.FromMonth + ".." + sys.ToMonth
	row("system", "referrals_received", "", period, i64(sys.ReferralsReceived), nil)
	row("system", "waiting_for_triage", "", sys.ToMonth, i64(sys.WaitingForTriage), nil)
	row("system", "triage_within_sla", "", period, "", sys.TriageWithinSla)
	row("system", "rtt_within_18_weeks", "", sys.ToMonth, "", sys.RttWithin_18Weeks)
	row("system", "completed_journeys", "", period, i64(sys.CompletedJourneys), nil)
	row("system", "completed_journey_cost_pence", "", period, i64(sys.CompletedJourneyCostPence), nil)
	if sys.Budget.Available {
		row("system", "budget_used_pence", "", sys.ToMonth, i64(sys.Budget.SpentPence), &dashboardv1.Share{Count: sys.Budget.SpentPence, Total: sys.Budget.AllocatedToDatePence})
	}
	for _, iv := range sys.Interventions {
		key := iv.Code + "/" + iv.Provider
		row("system", "interventions_completed", key, period, i64(iv.Completed), nil)
		row("system", "interventions_did_not_attend", key, period, i64(iv.DidNotAttend), nil)
		row("system", "interventions_cost_pence", key, period, i64(iv.CostPence), nil)
	}
	for _, m := range sys.Months {
		row("system", "referrals_received", "", m.Month, i64(m.ReferralsReceived), nil)
		row("system", "triage_within_sla", "", m.Month, "", m.TriageWithinSla)
		row("system", "rtt_within_18_weeks", "", m.Month, "", m.RttWithin_18Weeks)
		row("system", "waiting_for_triage", "", m.Month, i64(m.WaitingForTriage), nil)
	}
	for _, m := range pop.Measures {
		key := m.PathwayId + "/" + m.Code
		row("population", "mean_change", key, period, f64(m.MeanChange), &dashboardv1.Share{Total: m.Journeys})
		if m.HasMic {
			row("population", "reached_mic", key, period, "", m.ReachedMic)
		}
	}
	for _, p := range pop.PatientOutcomes {
		row("population", "patient_outcome_mean_latest", p.PathwayId+"/"+p.Id, period, f64(p.MeanLatest), &dashboardv1.Share{Total: p.Journeys})
	}
	if r := pop.Readmissions; r.GetAvailable() {
		row("population", "index_admissions", "", period, i64(r.IndexAdmissions), nil)
		for _, w := range r.Windows {
			days := strconv.Itoa(int(w.Days))
			row("population", "readmitted_within_days", days, period, "", w.Readmitted)
			row("population", "readmission_window_open", days, period, i64(w.Pending), nil)
			for _, m := range w.Months {
				row("population", "readmitted_within_days", days, m.Month, "", m.Readmitted)
				row("population", "readmission_window_open", days, m.Month, i64(m.Pending), nil)
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func i64(v int64) string   { return strconv.FormatInt(v, 10) }
func f64(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

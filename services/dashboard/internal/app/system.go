package app

import (
	"context"
	"sort"

	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// monthIndex buckets Unix times into the period's months.
type monthIndex struct {
	months []domain.Month
	starts []int64 // starts[i] is the start of months[i]; starts[len] the period end
}

func newMonthIndex(p domain.Period) monthIndex {
	mi := monthIndex{months: p.Months()}
	for _, m := range mi.months {
		mi.starts = append(mi.starts, m.Start().Unix())
	}
	mi.starts = append(mi.starts, p.End().Unix())
	return mi
}

// of returns the index of the month holding t, or -1 outside the period.
func (mi monthIndex) of(t int64) int {
	if t == 0 || t < mi.starts[0] || t >= mi.starts[len(mi.starts)-1] {
		return -1
	}
	return sort.Search(len(mi.months), func(i int) bool { return mi.starts[i+1] > t })
}

func (mi monthIndex) window() Window {
	return Window{From: mi.starts[0], To: mi.starts[len(mi.starts)-1]}
}

// SystemFigures answers the "Our System" lens for v: exact for patient-level access, else with
// the disclosure rule applied. Figures from the read model are cached (exact) until it changes;
// budget used is asked of the finance service every time.
func (a *App) SystemFigures(ctx context.Context, f domain.Filter, v Viewer) (*dashboardv1.GetSystemFiguresResponse, error) {
	shared, err := cached(a.cache, a.cache.key("system", f, a.now()), func() (*dashboardv1.GetSystemFiguresResponse, error) {
		return a.systemFigures(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	out := proto.Clone(shared).(*dashboardv1.GetSystemFiguresResponse)
	discloseSystem(out, a.ruleFor(v))
	out.Disclosure = a.disclosureOf(v)
	out.Budget = a.budget(ctx, f)
	return out, nil
}

func (a *App) systemFigures(ctx context.Context, f domain.Filter) (*dashboardv1.GetSystemFiguresResponse, error) {
	mi := newMonthIndex(f.Period)
	now := a.now()
	asAt := make([]int64, len(mi.months))
	for i, m := range mi.months {
		asAt[i] = domain.AsAt(m, now).Unix()
	}
	months := make([]*dashboardv1.SystemMonth, len(mi.months))
	for i, m := range mi.months {
		months[i] = &dashboardv1.SystemMonth{Month: m.String(), TriageWithinSla: &dashboardv1.Share{}, RttWithin_18Weeks: &dashboardv1.Share{}}
	}
	out := &dashboardv1.GetSystemFiguresResponse{
		FromMonth: f.Period.From.String(), ToMonth: f.Period.To.String(), Months: months,
		TriageWithinSla: &dashboardv1.Share{}, RttWithin_18Weeks: &dashboardv1.Share{}, RttStandardPercent: domain.RTTStandardPercent,
	}
	d := DimsOf(f)
	if err := a.model.EachJourney(ctx, d, mi.window(), func(r JourneyRow) error {
		journeyFigures(out, mi, asAt, r)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := a.model.EachClock(ctx, d, mi.window(), func(r ClockRow) error {
		for i, t := range asAt {
			if r.StartedAt <= t && (r.EndedAt == 0 || r.EndedAt > t) {
				add(months[i].RttWithin_18Weeks, t-r.StartedAt <= domain.RTTLimitSeconds)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	last := months[len(months)-1]
	out.WaitingForTriage = last.WaitingForTriage
	out.RttWithin_18Weeks = &dashboardv1.Share{Count: last.RttWithin_18Weeks.Count, Total: last.RttWithin_18Weeks.Total}
	ivs, err := a.interventions(ctx, d, mi)
	if err != nil {
		return nil, err
	}
	out.Interventions = ivs
	return out, nil
}

func journeyFigures(out *dashboardv1.GetSystemFiguresResponse, mi monthIndex, asAt []int64, r JourneyRow) {
	if i := mi.of(r.ReferredAt); i >= 0 {
		out.ReferralsReceived++
		out.Months[i].ReferralsReceived++
	}
	if i := mi.of(r.TriagedAt); i >= 0 {
		add(out.TriageWithinSla, !r.TriageBreached)
		add(out.Months[i].TriageWithinSla, !r.TriageBreached)
	}
	if i := mi.of(r.DischargedAt); i >= 0 {
		out.CompletedJourneys++
		out.CompletedJourneyCostPence += r.CostPence
		out.Months[i].CompletedJourneys++
	}
	for i, t := range asAt {
		if r.ReferredAt <= t && after(r.TriagedAt, t) && after(r.DischargedAt, t) && after(r.CancelledAt, t) {
			out.Months[i].WaitingForTriage++
		}
	}
}

// after reports whether a milestone (0: not reached) had not happened by t.
func after(milestone, t int64) bool { return milestone == 0 || milestone > t }

func add(s *dashboardv1.Share, hit bool) {
	s.Total++
	if hit {
		s.Count++
	}
}

func (a *App) interventions(ctx context.Context, d Dims, mi monthIndex) ([]*dashboardv1.InterventionCount, error) {
	byKey := map[[2]string]*dashboardv1.InterventionCount{}
	err := a.model.EachIntervention(ctx, d, mi.window(), func(r InterventionRow) error {
		k := [2]string{r.Code, r.Provider}
		c := byKey[k]
		if c == nil {
			c = &dashboardv1.InterventionCount{Code: r.Code, Provider: r.Provider}
			byKey[k] = c
		}
		if mi.of(r.ScheduledAt) >= 0 {
			c.Scheduled++
		}
		if mi.of(r.CompletedAt) >= 0 {
			c.Completed++
			c.CostPence += r.PricePence
		}
		if mi.of(r.DNAAt) >= 0 {
			c.DidNotAttend++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*dashboardv1.InterventionCount, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Provider < out[j].Provider
	})
	return out, nil
}

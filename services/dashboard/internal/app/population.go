package app

import (
	"context"

	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

type measureKey struct{ pathway, code string }

// measureAcc adds up one measure: paired journeys overall and by month, and latest-only scores.
type measureAcc struct {
	all        domain.Summary
	months     []domain.Summary
	latestOnly int64
	sumLatest  float64
}

// PopulationFigures answers the "Our Population" lens for v (cached, exact, until the read model
// changes; the disclosure rule applied unless v has patient-level access).
func (a *App) PopulationFigures(ctx context.Context, f domain.Filter, v Viewer) (*dashboardv1.GetPopulationFiguresResponse, error) {
	shared, err := cached(a.cache, a.cache.key("population", f, a.now()), func() (*dashboardv1.GetPopulationFiguresResponse, error) {
		return a.populationFigures(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	out := proto.Clone(shared).(*dashboardv1.GetPopulationFiguresResponse)
	disclosePopulation(out, a.ruleFor(v))
	out.Disclosure = a.disclosureOf(v)
	return out, nil
}

func (a *App) populationFigures(ctx context.Context, f domain.Filter) (*dashboardv1.GetPopulationFiguresResponse, error) {
	mi := newMonthIndex(f.Period)
	pathways := a.pathwaysIn(f)
	accs := map[measureKey]*measureAcc{}
	for _, p := range pathways {
		for _, def := range a.catalog.Measures(p) {
			acc := &measureAcc{all: domain.Summary{Def: def}, months: make([]domain.Summary, len(mi.months))}
			for i := range acc.months {
				acc.months[i].Def = def
			}
			accs[measureKey{p, def.Code}] = acc
		}
	}
	err := a.model.EachPair(ctx, DimsOf(f), mi.window(), func(r PairRow) error {
		acc := accs[measureKey{r.PathwayID, r.Measure}]
		def, ok := a.catalog.Measure(r.PathwayID, r.Version, r.Measure)
		if acc == nil || !ok {
			return nil
		}
		acc.latestOnly++
		acc.sumLatest += r.Latest
		if !r.HasBaseline || !domain.Comparable(def, r.BaselineScale, r.LatestScale) {
			return nil
		}
		pair := domain.Pair{Baseline: r.Baseline, HasBaseline: true, Latest: r.Latest}
		acc.all.Def = def
		acc.all.Add(pair)
		if i := mi.of(r.LatestAt); i >= 0 {
			acc.months[i].Def = def
			acc.months[i].Add(pair)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &dashboardv1.GetPopulationFiguresResponse{FromMonth: f.Period.From.String(), ToMonth: f.Period.To.String()}
	for _, p := range pathways {
		for _, def := range a.catalog.Measures(p) {
			out.Measures = append(out.Measures, measureOutcome(p, def, accs[measureKey{p, def.Code}], mi))
		}
		for _, po := range a.catalog.PatientOutcomes(p) {
			out.PatientOutcomes = append(out.PatientOutcomes, patientOutcome(p, po.ID, po.Statement, po.Measure, accs[measureKey{p, po.Measure}]))
		}
	}
	if out.Readmissions, err = a.readmissions(ctx, f, Buckets{Starts: mi.starts}, pathways); err != nil {
		return nil, err
	}
	return out, nil
}

// pathwaysIn lists the pathways the filter covers.
func (a *App) pathwaysIn(f domain.Filter) []string {
	if f.PathwayID != "" {
		return []string{f.PathwayID}
	}
	return a.catalog.Pathways()
}

func share(s domain.Share) *dashboardv1.Share {
	return &dashboardv1.Share{Count: s.Count, Total: s.Total}
}

func measureOutcome(p string, def domain.MeasureDef, acc *measureAcc, mi monthIndex) *dashboardv1.MeasureOutcome {
	b, l, c := acc.all.Means()
	m := &dashboardv1.MeasureOutcome{
		PathwayId: p, Code: def.Code, Name: def.Name, Scale: def.Scale, LowerIsBetter: def.LowerIsBetter,
		Mic: def.MIC, HasMic: def.HasMIC, Journeys: acc.all.Journeys, MeanBaseline: b, MeanLatest: l, MeanChange: c,
		ReachedMic: share(acc.all.ReachedMIC), Improved: share(acc.all.Improved), Min: def.Min, Max: def.Max,
	}
	for i, s := range acc.months {
		_, _, mc := s.Means()
		m.Months = append(m.Months, &dashboardv1.MeasureMonth{
			Month: mi.months[i].String(), Journeys: s.Journeys, MeanChange: mc, ReachedMic: share(s.ReachedMIC),
		})
	}
	return m
}

func patientOutcome(p, id, statement, measure string, acc *measureAcc) *dashboardv1.PatientOutcome {
	po := &dashboardv1.PatientOutcome{PathwayId: p, Id: id, Statement: statement, MeasureCode: measure, Improved: &dashboardv1.Share{}}
	if acc == nil {
		return po
	}
	if acc.all.Journeys > 0 {
		b, l, _ := acc.all.Means()
		po.WithBaseline, po.Journeys, po.MeanBaseline, po.MeanLatest = true, acc.all.Journeys, b, l
		po.Improved = share(acc.all.Improved)
		return po
	}
	po.Journeys = acc.latestOnly
	if acc.latestOnly > 0 {
		po.MeanLatest = acc.sumLatest / float64(acc.latestOnly)
	}
	return po
}

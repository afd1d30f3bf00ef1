package adapters_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/demo"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

var (
	demoStart = time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)
	demoNow   = time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
)

// replicaFacts are a synthetic population's facts (internal/demo) and a dozen COPD journeys with
// six admissions each, every one a readmission of the last within 30 days, so each journey's
// gap days are rewritten by every admission that arrives. The demo's scheduled fact of an
// intervention the person missed is left out: the missed one (without a provider) arriving
// first would keep its empty provider, the one order-dependent write of the read model, and this
// test applies a journey's facts in any order.
func replicaFacts() []domain.Fact {
	reqs := demo.Generate(demo.Options{Population: 2000, Start: demoStart, Now: demoNow, Seed: 7, PCNCount: 2})
	var facts []domain.Fact
	missed := map[string]bool{}
	for _, r := range reqs {
		f := ports.FactFromRequest(r)
		if f.Kind == domain.KindIntervention && f.Intervention.Status == domain.InterventionDidNotAttend {
			missed[f.JourneyID+"/"+f.Intervention.ID] = true
		}
		facts = append(facts, f)
	}
	out := facts[:0]
	for _, f := range facts {
		if f.Kind != domain.KindIntervention || f.Intervention.Status != domain.InterventionScheduled || !missed[f.JourneyID+"/"+f.Intervention.ID] {
			out = append(out, f)
		}
	}
	for j := range 12 {
		admitted := time.Date(2025, 6, 1+j, 10, 0, 0, 0, time.UTC)
		for a := range 6 {
			discharged := admitted.Add(time.Duration(2+a) * 24 * time.Hour)
			out = append(out, domain.Fact{EventID: fmt.Sprintf("dense-%d-%d", j, a), JourneyID: fmt.Sprintf("dense-%d", j),
				PathwayID: "copd", Version: 1, PCN: "U10001", Segment: domain.SegmentComplex, OccurredAt: discharged,
				Kind: domain.KindAdmission, Admission: &domain.Admission{ID: fmt.Sprintf("adm-%d", a), AdmittedAt: admitted, DischargedAt: discharged}})
			admitted = discharged.Add(time.Duration(3+j%5) * 24 * time.Hour)
		}
	}
	return out
}

// deliveries are the facts as a worker with retries delivers them to replicas: every fact twice
// and one in five three times, a journey's deliveries together in a random order, so replicas
// take facts of one journey at the same moment.
func deliveries(facts []domain.Fact, r *rand.Rand) []domain.Fact {
	byJourney := map[string][]domain.Fact{}
	var journeys []string
	for _, f := range facts {
		if byJourney[f.JourneyID] == nil {
			journeys = append(journeys, f.JourneyID)
		}
		byJourney[f.JourneyID] = append(byJourney[f.JourneyID], f, f)
		if r.IntN(5) == 0 {
			byJourney[f.JourneyID] = append(byJourney[f.JourneyID], f)
		}
	}
	r.Shuffle(len(journeys), func(i, j int) { journeys[i], journeys[j] = journeys[j], journeys[i] })
	var out []domain.Fact
	for _, j := range journeys {
		fs := byJourney[j]
		r.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
		out = append(out, fs...)
	}
	return out
}

// figures are every figure the app computes from a read model, exactly (patient-level), for a
// few filters.
func figures(t *testing.T, model app.ReadModel) []proto.Message {
	t.Helper()
	a := app.New(model, nil, domain.NewCatalog(pathway.Builtin()), func() time.Time { return demoNow }, disclosure.Default())
	var out []proto.Message
	for _, in := range []domain.FilterInput{
		{FromMonth: "2025-04", ToMonth: "2026-03"},
		{PathwayID: "copd", FromMonth: "2025-04", ToMonth: "2026-04"},
		{PathwayID: "msk", PCN: "U10002", FromMonth: "2025-06", ToMonth: "2026-01"},
	} {
		f, err := domain.NewFilter(in, demoNow)
		require.NoError(t, err)
		sys, err := a.SystemFigures(t.Context(), f, app.Viewer{PatientLevel: true})
		require.NoError(t, err)
		pop, err := a.PopulationFigures(t.Context(), f, app.Viewer{PatientLevel: true})
		require.NoError(t, err)
		out = append(out, sys, pop)
	}
	dims, err := a.Dimensions(t.Context())
	require.NoError(t, err)
	return append(out, dims)
}

// Two replicas (two connection pools) on one PostgreSQL database, eight workers pushing every
// fact at least twice, a journey's facts at both replicas at once, some in batches spanning
// journeys: each fact is applied once, and every figure equals that of applying the facts once,
// one after another, to a SQLite read model.
func TestReplicasApplyingAtOnceGiveTheFiguresOfOneApplyingInTurn(t *testing.T) {
	facts := replicaFacts()
	sequential := openStore(t, migrate.SQLite)
	for _, f := range facts {
		_, err := sequential.Apply(t.Context(), f)
		require.NoError(t, err)
	}

	url := pgtest.Database(t)
	replicas := []*adapters.Store{openDB(t, url), openDB(t, url)}
	work := make(chan domain.Fact)
	go func() {
		defer close(work)
		for _, f := range deliveries(facts, rand.New(rand.NewPCG(1, 2))) {
			work <- f
		}
	}()
	var applied atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				batch := take(work, 1+n%3*(w%2)) // odd workers send batches of up to 3 facts
				if len(batch) == 0 {
					return
				}
				dups, err := replicas[(w+n)%2].Apply(t.Context(), batch...)
				if err != nil {
					errs <- err
					return
				}
				for _, d := range dups {
					if !d {
						applied.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, int64(len(facts)), applied.Load(), "every fact applied exactly once across the replicas")

	want := figures(t, sequential)
	for i, r := range replicas {
		got := figures(t, r)
		for k := range want {
			require.True(t, sameFigures(want[k], got[k]), "replica %d, figures %d:\nwant %v\ngot  %v", i, k, want[k], got[k])
		}
	}
}

// take receives up to n facts, fewer when work closes.
func take(work <-chan domain.Fact, n int) []domain.Fact {
	var out []domain.Fact
	for range n {
		f, ok := <-work
		if !ok {
			break
		}
		out = append(out, f)
	}
	return out
}

package adapters_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}

// engines are the databases every store test runs on.
var engines = []migrate.Engine{migrate.SQLite, migrate.Postgres}

// newDatabase returns a new, empty database of engine: a SQLite file path or a PostgreSQL URL.
func newDatabase(t *testing.T, engine migrate.Engine) string {
	t.Helper()
	if engine == migrate.Postgres {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "dashboard.db")
}

// openDB opens the read model at db (a path or URL), closed when the test ends.
func openDB(t *testing.T, db string) *adapters.Store {
	t.Helper()
	s, err := adapters.OpenStore(t.Context(), db)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// openStore opens a new read model on engine.
func openStore(t *testing.T, engine migrate.Engine) *adapters.Store {
	t.Helper()
	return openDB(t, newDatabase(t, engine))
}

// eachEngine runs test once per engine.
func eachEngine(t *testing.T, test func(t *testing.T, engine migrate.Engine)) {
	t.Helper()
	for _, engine := range engines {
		t.Run(string(engine), func(t *testing.T) { test(t, engine) })
	}
}

func noon(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }

func buckets(t *testing.T, from, to string, now time.Time) app.Buckets {
	t.Helper()
	f, err := domain.NewFilter(domain.FilterInput{FromMonth: from, ToMonth: to}, now)
	require.NoError(t, err)
	var b app.Buckets
	for _, m := range f.Period.Months() {
		b.Starts = append(b.Starts, m.Start().Unix())
	}
	b.Starts = append(b.Starts, f.Period.End().Unix())
	return b
}

func fact(id string, at time.Time) domain.Fact {
	return domain.Fact{EventID: id, JourneyID: "j1", PathwayID: "copd", Version: 1, PCN: "U1", Segment: domain.SegmentLongTerm, OccurredAt: at}
}

func admissionFact(id string, admitted, discharged time.Time) domain.Fact {
	f := fact("ev-"+id, discharged)
	f.Kind, f.Admission = domain.KindAdmission, &domain.Admission{ID: id, AdmittedAt: admitted, DischargedAt: discharged}
	return f
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Readmission gaps do not depend on the order a journey's admissions arrive in. A began
// 1 Jan and left 5 Jan; D began 4 Jan, before A left (a transfer, no readmission of A), and
// left 6 Jan; B 20-25 Jan; C 10-12 Mar. Gaps: A -> B 15 days, D -> B 14, B -> C 6 + 28 + 10 = 44,
// C none. Within 30 days: A, D of 4; within 90: A, D, B of 4. Each order is a journey of its own
// in its own PCN, in one database.
func TestReadmissionGapsDoNotDependOnArrivalOrder(t *testing.T) {
	eachEngine(t, readmissionGapsDoNotDependOnArrivalOrder)
}

func readmissionGapsDoNotDependOnArrivalOrder(t *testing.T, engine migrate.Engine) {
	adms := []domain.Fact{
		admissionFact("A", noon(1, 1), noon(1, 5)), admissionFact("B", noon(1, 20), noon(1, 25)),
		admissionFact("C", noon(3, 10), noon(3, 12)), admissionFact("D", noon(1, 4), noon(1, 6)),
	}
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	b := buckets(t, "2026-01", "2026-03", now)
	s := openStore(t, engine)
	for n, order := range permutations(len(adms)) {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			pcn := fmt.Sprintf("U%d", n)
			for _, i := range order {
				f := adms[i]
				f.EventID, f.JourneyID, f.PCN = fmt.Sprintf("%s-%d", f.EventID, n), fmt.Sprintf("j%d", n), pcn
				_, err := s.Apply(t.Context(), f)
				require.NoError(t, err)
			}
			for days, want := range map[int]int64{30: 2, 90: 3} {
				got, err := s.Readmissions(t.Context(), app.Dims{PCN: pcn}, b, app.ReadmissionQuery{Pathways: []string{"copd"}, Days: days, Today: domain.DayNumber(now)})
				require.NoError(t, err)
				var index, closed, readmitted int64
				for _, c := range got {
					index, closed, readmitted = index+c.Index, closed+c.Closed, readmitted+c.Readmitted
				}
				require.Equal(t, [3]int64{4, 4, want}, [3]int64{index, closed, readmitted}, "%d days", days)
			}
		})
	}
}

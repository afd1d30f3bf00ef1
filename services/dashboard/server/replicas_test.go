package server_test

import (
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}

// testDB is the read model a test's service runs on: a SQLite file in the test's directory, or
// with DASHBOARD_TEST_DB=postgres a new PostgreSQL database (every service test then runs on
// PostgreSQL).
func testDB(t *testing.T, sqlitePath string) string {
	t.Helper()
	if os.Getenv("DASHBOARD_TEST_DB") == "postgres" {
		return pgtest.Database(t)
	}
	return sqlitePath
}

// Two dashboard replicas on one PostgreSQL database, the worker pushing every fact to both at
// once: each fact is recorded by one of them and is a duplicate at the other, and both show the
// figures of a single SQLite dashboard fed the same facts, including the replica that had cached
// its (empty) figures before the facts came through the other.
func TestTwoReplicasOnOnePostgreSQLDatabaseShowTheSameFigures(t *testing.T) {
	url := pgtest.Database(t)
	ca := devcatest.New(t, "dashboard", "worker", "finance", "prometheus")
	onPostgres := func(c *server.Config) { c.DBPath = url }
	replicas := []*service{startServiceWith(t, fixtureNow, setup{ca: ca}, onPostgres), startServiceWith(t, fixtureNow, setup{ca: ca}, onPostgres)}
	single := startService(t, fixtureNow, func(c *server.Config) { c.DBPath = t.TempDir() + "/dashboard.db" })
	f := sevenJourneys()
	single.load(t, f)
	require.Zero(t, replicas[1].system(t, q1).GetReferralsReceived(), "nothing yet (and now cached)")

	for _, r := range f.facts {
		var wg sync.WaitGroup
		dup, errs := make([]bool, len(replicas)), make([]error, len(replicas))
		for i, rep := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := rep.ingest.RecordJourneyFact(t.Context(), r)
				dup[i], errs[i] = resp.GetDuplicate(), err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "fact %s at replica %d", r.GetEventId(), i)
		}
		require.ElementsMatch(t, []bool{false, true}, dup, "fact %s: recorded by one replica, a duplicate at the other", r.GetEventId())
	}

	filters := []*dashboardv1.Filter{q1, {PathwayId: "copd", FromMonth: "2026-02", ToMonth: "2026-03"},
		{PathwayId: "msk", PcnOdsCode: pcn2, FromMonth: "2025-10", ToMonth: "2026-04"}}
	sameAsSingle := func(phase string) {
		t.Helper()
		for i, rep := range replicas {
			for _, filter := range filters {
				want, wantPop := single.system(t, filter), single.population(t, filter)
				require.Eventually(t, func() bool {
					return sameFigures(want, rep.system(t, filter)) && sameFigures(wantPop, rep.population(t, filter))
				}, 10*time.Second, 20*time.Millisecond, "%s: replica %d, figures for %v", phase, i, filter)
			}
		}
	}
	sameAsSingle("pushed to both")

	// Replica 1 has its figures cached; two more journeys arrive through replica 0 alone.
	before := single.system(t, q1).GetReferralsReceived()
	more := newFixture()
	late := more.referral("late-1", "msk", pcn1, ltc, at(2026, 2, 3))
	more.triage(late, at(2026, 2, 5), false, score("msk-hq", 22, ""))
	more.referral("late-2", "copd", pcn2, ltc, at(2026, 3, 2))
	replicas[0].load(t, more)
	single.load(t, more)
	require.Equal(t, before+2, single.system(t, q1).GetReferralsReceived())
	sameAsSingle("pushed to replica 0 alone")
}

// sameFigures reports whether two figure messages are equal to 10 significant digits: means
// summed from the same rows in another order (PostgreSQL and SQLite hand rows in their own
// order) differ in the last bits of a float64.
func sameFigures(a, b proto.Message) bool {
	return proto.Equal(rounded(a), rounded(b))
}

func rounded(m proto.Message) proto.Message {
	c := proto.Clone(m)
	roundFloats(c.ProtoReflect())
	return c
}

func roundFloats(m protoreflect.Message) {
	type set struct {
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var sets []set
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			for i, l := 0, v.List(); i < l.Len(); i++ {
				switch {
				case fd.Message() != nil:
					roundFloats(l.Get(i).Message())
				case fd.Kind() == protoreflect.DoubleKind:
					l.Set(i, protoreflect.ValueOfFloat64(round(l.Get(i).Float())))
				}
			}
		case fd.IsMap():
		case fd.Message() != nil:
			roundFloats(v.Message())
		case fd.Kind() == protoreflect.DoubleKind:
			sets = append(sets, set{fd, protoreflect.ValueOfFloat64(round(v.Float()))})
		}
		return true
	})
	for _, s := range sets {
		m.Set(s.fd, s.v)
	}
}

func round(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return r
}

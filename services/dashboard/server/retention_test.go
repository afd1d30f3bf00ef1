package server_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
)

// oldAndNew is the retention fixture (MSK, PCN U12345, 12:00 UTC):
//
//	A  ref  5 Jan 2017, triaged 6 Jan 2017, discharged 1 Mar 2017
//	B  ref  1 Feb 2017, cancelled 5 Feb 2017
//	C  ref 10 Jan 2017, triaged 11 Jan 2017, discharged 1 Jun 2017, a follow-up score 1 Jun 2018
//	D  ref 20 Jan 2017, never closed
//	E  ref  5 Jan 2026, triaged 6 Jan 2026, discharged 1 Mar 2026
//
// On 15 April 2026 eight years back is 15 April 2018: A and B closed before it with nothing
// recorded since, so they go; C's follow-up (June 2018) keeps it, D is open, E is recent.
func oldAndNew() (*fixture, *dashboardv1.RecordJourneyFactRequest) {
	f := newFixture()
	a := f.referral("ret-a", "msk", pcn1, ltc, at(2017, 1, 5))
	first := f.facts[len(f.facts)-1]
	f.triage(a, at(2017, 1, 6), false, score("msk-hq", 20, ""))
	f.discharge(a, at(2017, 3, 1))
	b := f.referral("ret-b", "msk", pcn1, ltc, at(2017, 2, 1))
	f.cancel(b, at(2017, 2, 5))
	c := f.referral("ret-c", "msk", pcn1, ltc, at(2017, 1, 10))
	f.triage(c, at(2017, 1, 11), false, score("msk-hq", 25, ""))
	f.discharge(c, at(2017, 6, 1))
	f.outcome(c, at(2018, 6, 1), "12-month", score("msk-hq", 40, ""))
	f.referral("ret-d", "msk", pcn1, ltc, at(2017, 1, 20))
	e := f.referral("ret-e", "msk", pcn1, ltc, at(2026, 1, 5))
	f.triage(e, at(2026, 1, 6), false)
	f.discharge(e, at(2026, 3, 1))
	return f, first
}

var (
	year2017 = &dashboardv1.Filter{PathwayId: "msk", FromMonth: "2017-01", ToMonth: "2017-12"}
	recent   = &dashboardv1.Filter{FromMonth: "2025-04", ToMonth: "2026-03"}
)

func TestPurgeDeletesJourneysClosedBeforeTheRetentionPeriod(t *testing.T) {
	var clock atomic.Pointer[time.Time]
	now := fixtureNow // 15 April 2026
	clock.Store(&now)
	svc := startService(t, fixtureNow, func(c *server.Config) {
		c.Now = func() time.Time { return *clock.Load() }
		c.PurgeInterval = 0 // the test purges
	})
	f, first := oldAndNew()
	svc.load(t, f)
	require.EqualValues(t, 4, svc.system(t, year2017).GetReferralsReceived(), "A, B, C, D")
	sysBefore, popBefore := svc.system(t, recent), svc.population(t, recent)

	n, err := svc.srv.Purge(t.Context())
	require.NoError(t, err)
	require.Equal(t, 2, n, "A and B")
	sys := svc.system(t, year2017)
	require.EqualValues(t, 2, sys.GetReferralsReceived(), "C and D are kept")
	require.EqualValues(t, 1, sys.GetCompletedJourneys(), "C's discharge; A's went with it")
	require.EqualValues(t, 1, measure(t, svc.population(t, &dashboardv1.Filter{PathwayId: "msk", FromMonth: "2018-01", ToMonth: "2018-12"}),
		"msk", "msk-hq").GetJourneys(), "C's follow-up score is still paired with its baseline")
	require.True(t, proto.Equal(sysBefore, svc.system(t, recent)), "figures after the cutoff are unchanged")
	require.True(t, proto.Equal(popBefore, svc.population(t, recent)))

	dup, err := svc.ingest.RecordJourneyFact(t.Context(), first)
	require.NoError(t, err)
	require.True(t, dup.GetDuplicate(), "a purged journey's fact pushed again is a duplicate")
	require.EqualValues(t, 2, svc.system(t, year2017).GetReferralsReceived(), "and brings nothing back")

	n, err = svc.srv.Purge(t.Context())
	require.NoError(t, err)
	require.Zero(t, n, "nothing more is due")

	later := time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC) // eight years after C's follow-up
	clock.Store(&later)
	n, err = svc.srv.Purge(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n, "C, its last activity now past the retention period")
	require.EqualValues(t, 1, svc.system(t, year2017).GetReferralsReceived(), "D, still open, is never purged")
	dims, err := svc.query.ListDimensions(t.Context(), &dashboardv1.ListDimensionsRequest{})
	require.NoError(t, err)
	require.Equal(t, "2017-01", dims.GetFirstMonth(), "D")
}

func TestPurgeRunsAtStartAndFollowsTheRetentionSetting(t *testing.T) {
	db := t.TempDir() + "/dashboard.db"
	first := startService(t, fixtureNow, func(c *server.Config) { c.DBPath, c.PurgeInterval = db, 0 })
	f, _ := oldAndNew()
	first.load(t, f)
	first.srv.Close()

	// Twenty years' retention keeps everything; the purge at start finds nothing due.
	kept := startService(t, fixtureNow, func(c *server.Config) {
		c.DBPath, c.RecordsRetention, c.PurgeInterval = db, server.Retention{Years: 20}, time.Hour
	})
	n, err := kept.srv.Purge(t.Context())
	require.NoError(t, err)
	require.Zero(t, n)
	require.EqualValues(t, 4, kept.system(t, year2017).GetReferralsReceived())
	kept.srv.Close()

	svc := startService(t, fixtureNow, func(c *server.Config) { c.DBPath, c.PurgeInterval = db, time.Hour })
	require.Eventually(t, func() bool { return svc.system(t, year2017).GetReferralsReceived() == 2 },
		30*time.Second, 20*time.Millisecond, "the purge at start removes A and B")
}

func TestRetentionSettingIsValidated(t *testing.T) {
	var r server.Retention
	require.NoError(t, r.Set("8y"))
	require.Equal(t, server.Retention{Years: 8}, r)
	require.NoError(t, r.Set("1y30d"))
	require.Equal(t, "1y30d", r.String())
	require.Error(t, r.Set("8 years"))
	require.Equal(t, server.DefaultRecordsRetention, server.DefaultConfig().RecordsRetention)
	require.Equal(t, time.Date(2018, 4, 15, 9, 0, 0, 0, time.UTC), server.DefaultRecordsRetention.Cutoff(fixtureNow))

	cfg := server.DefaultConfig()
	cfg.RecordsRetention, cfg.PurgeInterval = server.Retention{}, -time.Second
	err := cfg.Validate()
	require.ErrorContains(t, err, "records-retention: must be a positive period")
	require.ErrorContains(t, err, "purge-interval")
}

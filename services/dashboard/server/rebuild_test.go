package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

// TestRebuildFromTheEventStoreEqualsIngest writes the fixture's journey events to journey-<id>
// streams as the workflow does, rebuilds a fresh read model from them, and compares every figure
// with the read model fed by ingest.
func TestRebuildFromTheEventStoreEqualsIngest(t *testing.T) {
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	f := sevenJourneys()
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	for _, stream := range f.order {
		_, err := j.Append(t.Context(), stream, events.NoStream(), f.streams[stream]...)
		require.NoError(t, err)
	}

	ingested := startService(t, fixtureNow, nil)
	ingested.load(t, f)
	rebuilt := startService(t, fixtureNow, func(c *server.Config) { c.EventStoreURL = es.URL() })
	n, err := rebuilt.srv.Rebuild(t.Context())
	require.NoError(t, err)
	require.Equal(t, len(f.facts), n, "every pushed fact is rebuilt from the journal")

	filters := []*dashboardv1.Filter{
		q1,
		{PcnOdsCode: pcn1, Segment: ltc, FromMonth: "2026-01", ToMonth: "2026-03"},
		{PathwayId: "copd", FromMonth: "2026-02", ToMonth: "2026-03"},
		{PathwayId: "msk", PcnOdsCode: pcn2, FromMonth: "2025-10", ToMonth: "2026-04"},
	}
	for _, filter := range filters {
		require.True(t, proto.Equal(ingested.system(t, filter), rebuilt.system(t, filter)), "system figures for %v", filter)
		require.True(t, proto.Equal(ingested.population(t, filter), rebuilt.population(t, filter)), "population figures for %v", filter)
	}
	// The rebuilt model holds the same event IDs with the same content: the workflow's pushes
	// arriving later are duplicates, not conflicts.
	for _, r := range f.facts {
		resp, err := rebuilt.ingest.RecordJourneyFact(t.Context(), r)
		require.NoError(t, err, "fact %s", r.GetEventId())
		require.True(t, resp.GetDuplicate())
	}
	require.True(t, proto.Equal(ingested.system(t, q1), rebuilt.system(t, q1)))
}

// TestRebuildPurgesJourneysPastRetention: the event store still holds journeys closed more than
// eight years ago; a rebuild replays them and purges them as it finishes, so the rebuilt read
// model equals one that was purged in place.
func TestRebuildPurgesJourneysPastRetention(t *testing.T) {
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	f, _ := oldAndNew()
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	for _, stream := range f.order {
		_, err := j.Append(t.Context(), stream, events.NoStream(), f.streams[stream]...)
		require.NoError(t, err)
	}
	purged := startService(t, fixtureNow, func(c *server.Config) { c.PurgeInterval = 0 })
	purged.load(t, f)
	_, err = purged.srv.Purge(t.Context())
	require.NoError(t, err)

	rebuilt := startService(t, fixtureNow, func(c *server.Config) { c.EventStoreURL, c.PurgeInterval = es.URL(), 0 })
	_, err = rebuilt.srv.Rebuild(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 2, rebuilt.system(t, year2017).GetReferralsReceived(), "A and B purged, C and D kept")
	for _, filter := range []*dashboardv1.Filter{year2017, recent} {
		require.True(t, proto.Equal(purged.system(t, filter), rebuilt.system(t, filter)), "system figures for %v", filter)
		require.True(t, proto.Equal(purged.population(t, filter), rebuilt.population(t, filter)), "population figures for %v", filter)
	}
}

package adapters

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

func openJournal(t *testing.T) *events.Journal {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

func TestAccessTrailKeepsOneStreamADayAndARetriedEntryOnce(t *testing.T) {
	j := openJournal(t)
	trail := AccessTrail{Journal: j}
	late := time.Date(2026, 3, 1, 23, 59, 59, 999_000_000, time.UTC)
	first := domain.Access{At: late, Subject: "sub-1", Actor: "Dr One", Orgs: []string{"U90001", "RXX"},
		Method: "/pathways.coordinator.v1.CoordinatorService/Triage", JourneyIDs: []string{"ref-R-1"}, RequestID: "req-1",
		Outcome: domain.OutcomeRefused, Code: "NOT_FOUND", Peer: "10.0.0.7:51234", ForwardedFor: "203.0.113.9"}
	require.NoError(t, trail.Append(t.Context(), first))
	require.NoError(t, trail.Append(t.Context(), first), "a retried append")
	next := first
	next.At, next.Outcome, next.Code = late.Add(time.Millisecond), domain.OutcomeAllowed, "OK"
	require.NoError(t, trail.Append(t.Context(), next))

	recs, err := j.ReadStream(t.Context(), "audit-2026-03-01")
	require.NoError(t, err)
	require.Len(t, recs, 1, "the retried entry is stored once")
	require.Equal(t, "pathways.coordinator.v1.AccessEntry", recs[0].Type)
	require.Equal(t, "sub-1", recs[0].Meta.Actor)

	got, err := trail.ReadDay(t.Context(), late, 0, 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	want := first
	want.ID = recs[0].ID.String()
	require.Equal(t, want, got[0].Access, "every field comes back")

	got, err = trail.ReadDay(t.Context(), time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), 0, 10)
	require.NoError(t, err)
	require.Len(t, got, 1, "the next millisecond is the next day's stream")
	require.EqualValues(t, 0, got[0].Position)
	require.Equal(t, domain.OutcomeAllowed, got[0].Access.Outcome)

	got, err = trail.ReadDay(t.Context(), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), 0, 10)
	require.NoError(t, err)
	require.Empty(t, got, "a day without entries")
}

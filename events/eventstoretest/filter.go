package eventstoretest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// testFilters pins server-side filters of $all subscriptions: stream-name and event-type prefix
// and regex, the system-event filter, and checkpoints a subscriber can resume from.
func (s *suite) testFilters(t *testing.T) {
	catA, catB := s.category("filta"), s.category("filtb")
	typeA, typeB := s.eventType("TypeA"), s.eventType("TypeB")
	from := s.marker(t, catA)

	// Four streams: each category with each type, interleaved in $all.
	want := map[string][]uuid.UUID{}
	for i := range 3 {
		for _, c := range []string{catA, catB} {
			for _, typ := range []string{typeA, typeB} {
				ev := jsonEvent(typ, i)
				stream := c + "-" + strings.ToLower(typ)
				s.appendEvents(t, stream, esdb.Any{}, ev)
				want[c] = append(want[c], ev.EventID)
				want[typ] = append(want[typ], ev.EventID)
			}
		}
	}
	tests := []struct {
		name   string
		filter *esdb.SubscriptionFilter
		want   []uuid.UUID
	}{
		{"stream prefix", &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{catA + "-"}}, want[catA]},
		{"stream prefixes", &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{catB + "-", "nomatch" + s.run}}, want[catB]},
		{"stream regex", &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: "^" + regexp.QuoteMeta(catB) + "-"}, want[catB]},
		{"event type prefix", &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Prefixes: []string{typeA}}, want[typeA]},
		{"event type regex", &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Regex: "^" + regexp.QuoteMeta(typeB) + "$"}, want[typeB]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: from, Filter: tt.filter}, nil)
			got := f.take(t, len(tt.want))
			require.Equal(t, tt.want, ids(got))
			requireIncreasing(t, got)
			f.checkpointFrom(t, got[len(got)-1].Position)
		})
	}
	t.Run("exclude system events", func(t *testing.T) {
		var meta esdb.StreamMetadata
		meta.SetMaxCount(100)
		_, err := s.client.SetStreamMetadata(ctx(t), catA+"-meta", esdb.AppendToStreamOptions{}, meta)
		require.NoError(t, err)
		ev := jsonEvent(typeA, 99)
		s.appendEvents(t, catA+"-meta", esdb.Any{}, ev)
		f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: from, Filter: esdb.ExcludeSystemEventsFilter()}, nil)
		for {
			got := f.next(t)
			require.False(t, strings.HasPrefix(got.EventType, "$"), "system event %s in %s delivered", got.EventType, got.StreamID)
			if got.EventID == ev.EventID {
				break
			}
		}
	})
	t.Run("checkpoints", s.testCheckpoints)
}

// testCheckpoints: a filtered subscription receives checkpoints while no event matches (once
// caught up, and every checkpoint interval while live), checkpoints only grow, and resuming from
// a checkpoint delivers the next matching event.
func (s *suite) testCheckpoints(t *testing.T) {
	category := s.category("ckpt")
	from := s.marker(t, category)
	filter := &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{category + "-match"}}
	f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: from, Filter: filter, MaxSearchWindow: 8, CheckpointInterval: 1}, nil)
	first := f.nextCheckpoint(t)
	require.False(t, less(first, from), "first checkpoint %v before the start %v", first, from)

	// Three times the checkpoint interval of non-matching events while live.
	for i := range 3 {
		s.appendEvents(t, category+"-other", esdb.Any{}, jsonEvents("Other", i*8, 8)...)
	}
	last := first
	for last == first {
		next := f.nextCheckpoint(t)
		require.False(t, less(next, last), "checkpoints must not go back: %v after %v", next, last)
		last = next
	}

	match := jsonEvent("Match", 0)
	s.appendEvents(t, category+"-match", esdb.Any{}, match)
	require.Equal(t, match.EventID, f.next(t).EventID)
	resumed := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: last, Filter: filter}, nil)
	require.Equal(t, match.EventID, resumed.next(t).EventID, "resuming from checkpoint %v must not skip the event after it", last)
}

package eventstoretest

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func (s *suite) subscribeStream(t *testing.T, stream string, from esdb.StreamPosition) *follower {
	t.Helper()
	sub, err := s.client.SubscribeToStream(ctx(t), stream, esdb.SubscribeToStreamOptions{From: from})
	require.NoError(t, err, "subscribe to %s", stream)
	return follow(t, sub, nil)
}

func (s *suite) subscribeAll(t *testing.T, opts esdb.SubscribeToAllOptions, keep func(*esdb.RecordedEvent) bool) *follower {
	t.Helper()
	sub, err := s.client.SubscribeToAll(ctx(t), opts)
	require.NoError(t, err, "subscribe to $all")
	return follow(t, sub, keep)
}

// testSubscribeToStream pins stream subscriptions: where they start (Start, End, after a
// revision, before the stream exists) and the hand-over from catch-up to live while a writer
// keeps appending, without a gap or a duplicate.
func (s *suite) testSubscribeToStream(t *testing.T) {
	t.Run("from start catches up then goes live", func(t *testing.T) {
		stream := s.stream("substream")
		existing := s.prefill(t, stream, 1000)
		f := s.subscribeStream(t, stream, esdb.Start{})
		done, live := s.writeInBackground(t, stream, "Live", 200) // while the subscription catches up
		got := f.take(t, len(existing)+len(live))
		require.NoError(t, <-done)
		require.Equal(t, seq(0, uint64(len(got)-1)), revisions(got))
		require.Equal(t, append(existing, live...), ids(got))
		s.requireNothingBefore(t, f, stream)
	})
	t.Run("from end delivers only new events", func(t *testing.T) {
		stream := s.stream("substream")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Old", 0, 3)...)
		f := s.subscribeStream(t, stream, esdb.End{})
		fresh := jsonEvents("New", 0, 2)
		s.appendEvents(t, stream, esdb.Revision(2), fresh...)
		got := f.take(t, 2)
		require.Equal(t, []uint64{3, 4}, revisions(got))
		require.Equal(t, dataIDs(fresh), ids(got))
	})
	t.Run("from revision is exclusive", func(t *testing.T) {
		stream := s.stream("substream")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Sub", 0, 5)...)
		f := s.subscribeStream(t, stream, esdb.Revision(2))
		require.Equal(t, []uint64{3, 4}, revisions(f.take(t, 2)))
		s.appendEvents(t, stream, esdb.Revision(4), jsonEvent("Sub", 5))
		require.Equal(t, uint64(5), f.next(t).EventNumber)
		s.requireNothingBefore(t, f, stream)
	})
	t.Run("before the stream exists", func(t *testing.T) {
		stream := s.stream("substream")
		f := s.subscribeStream(t, stream, esdb.Start{})
		first := jsonEvent("First", 0)
		s.appendEvents(t, stream, esdb.NoStream{}, first)
		got := f.next(t)
		require.Equal(t, first.EventID, got.EventID)
		require.Equal(t, uint64(0), got.EventNumber)
	})
}

// testSubscribeToAll pins $all subscriptions: from a position (exclusive), from the end, and the
// catch-up to live hand-over with several writers, positions strictly increasing.
func (s *suite) testSubscribeToAll(t *testing.T) {
	t.Run("catch-up then live with concurrent writers", func(t *testing.T) {
		category := s.category("suball")
		from := s.marker(t, category)
		existing := s.prefill(t, category+"-old", 1000)
		filter := &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{category + "-"}}
		f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: from, Filter: filter}, nil)
		doneA, liveA := s.writeInBackground(t, category+"-a", "LiveA", 100)
		doneB, liveB := s.writeInBackground(t, category+"-b", "LiveB", 100)
		got := f.take(t, len(existing)+len(liveA)+len(liveB))
		require.NoError(t, <-doneA)
		require.NoError(t, <-doneB)
		requireIncreasing(t, got)
		byStream := map[string][]*esdb.RecordedEvent{}
		for _, ev := range got {
			byStream[ev.StreamID] = append(byStream[ev.StreamID], ev)
		}
		require.Equal(t, existing, ids(byStream[category+"-old"]))
		require.Equal(t, liveA, ids(byStream[category+"-a"]))
		require.Equal(t, liveB, ids(byStream[category+"-b"]))
		s.requireNothingBefore(t, f, category+"-old")
	})
	t.Run("from start", func(t *testing.T) {
		category := s.category("suballstart")
		evs := jsonEvents("Start", 0, 3)
		s.appendEvents(t, category+"-x", esdb.NoStream{}, evs...)
		filter := &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{category + "-"}}
		f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: filter}, nil)
		require.Equal(t, dataIDs(evs), ids(f.take(t, 3)))
		s.requireNothingBefore(t, f, category+"-x")
	})
	t.Run("from position is exclusive", func(t *testing.T) {
		category := s.category("suballpos")
		stream := category + "-x"
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Pos", 0, 5)...)
		mine, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err)
		f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: mine[1].Position}, inCategory(category))
		require.Equal(t, ids(mine[2:]), ids(f.take(t, 3)))
		s.requireNothingBefore(t, f, stream)
	})
	t.Run("from end delivers only new events", func(t *testing.T) {
		category := s.category("suballend")
		s.appendEvents(t, category+"-old", esdb.NoStream{}, jsonEvents("Old", 0, 3)...)
		f := s.subscribeAll(t, esdb.SubscribeToAllOptions{From: esdb.End{}}, inCategory(category))
		fresh := jsonEvent("New", 0)
		s.appendEvents(t, category+"-new", esdb.NoStream{}, fresh)
		require.Equal(t, fresh.EventID, f.next(t).EventID)
	})
}

// testConcurrentSubscribers: many stream and $all subscribers at once each get every event, in
// order, once.
func (s *suite) testConcurrentSubscribers(t *testing.T) {
	const streamSubs, allSubs, count = 12, 6, 30
	category := s.category("many")
	stream := category + "-s"
	from := s.marker(t, category)
	s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Many", 0, 5)...)
	var followers []*follower
	for range streamSubs {
		followers = append(followers, s.subscribeStream(t, stream, esdb.Start{}))
	}
	filter := &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{stream}}
	for range allSubs {
		followers = append(followers, s.subscribeAll(t, esdb.SubscribeToAllOptions{From: from, Filter: filter}, nil))
	}
	done, _ := s.writeInBackground(t, stream, "Many", count-5)
	require.NoError(t, <-done)
	want, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 100)
	require.NoError(t, err)
	require.Len(t, want, count)
	for i, f := range followers {
		require.Equal(t, ids(want), ids(f.take(t, count)), "subscriber %d", i)
	}
}

package eventstoretest

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

// testReadStream pins stream reads on a stream of ten events (revisions 0-9): direction, start
// (inclusive) and count.
func (s *suite) testReadStream(t *testing.T) {
	stream := s.stream("read")
	s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Read", 0, 10)...)

	tests := []struct {
		name  string
		opts  esdb.ReadStreamOptions
		count uint64
		want  []uint64
	}{
		{"forwards from start", esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Start{}}, 100, seq(0, 9)},
		{"forwards from start with count", esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Start{}}, 3, seq(0, 2)},
		{"forwards from revision", esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(4)}, 3, seq(4, 6)},
		{"forwards from last revision", esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(9)}, 5, seq(9, 9)},
		{"forwards past the end", esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(10)}, 5, nil},
		{"backwards from end", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 100, []uint64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"backwards from end with count", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 2, []uint64{9, 8}},
		{"backwards from revision", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Revision(5)}, 3, []uint64{5, 4, 3}},
		{"backwards from first revision", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Revision(0)}, 3, []uint64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.readStream(t, stream, tt.opts, tt.count)
			require.NoError(t, err)
			require.Equal(t, tt.want, nilIfEmpty(revisions(evs)))
			for _, ev := range evs {
				require.Equal(t, stream, ev.StreamID)
			}
		})
	}

	t.Run("stream not found", func(t *testing.T) {
		for _, dir := range []esdb.Direction{esdb.Forwards, esdb.Backwards} {
			evs, err := s.readStream(t, s.stream("missing"), esdb.ReadStreamOptions{Direction: dir}, 10)
			requireCode(t, err, esdb.ErrorCodeResourceNotFound)
			require.Empty(t, evs)
		}
	})
}

func nilIfEmpty(revs []uint64) []uint64 {
	if len(revs) == 0 {
		return nil
	}
	return revs
}

// testReadAll pins reads of $all: forwards from a position includes the event at it, backwards
// from a position starts with the event before it, and positions strictly increase in commit
// order, also for appends racing on different streams.
func (s *suite) testReadAll(t *testing.T) {
	stream := s.stream("all")
	s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("All", 0, 5)...)
	mine, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Len(t, mine, 5)
	requireIncreasing(t, mine)

	t.Run("forwards from start", func(t *testing.T) {
		evs := s.readAll(t, esdb.ReadAllOptions{Direction: esdb.Forwards, From: esdb.Start{}}, 200)
		require.NotEmpty(t, evs)
		requireIncreasing(t, evs)
	})
	t.Run("forwards from position is inclusive", func(t *testing.T) {
		evs := s.readAll(t, esdb.ReadAllOptions{Direction: esdb.Forwards, From: mine[1].Position}, 4)
		require.Equal(t, ids(mine[1:5]), ids(evs), "events 1-4 follow each other in $all")
	})
	t.Run("backwards from position is exclusive", func(t *testing.T) {
		evs := s.readAll(t, esdb.ReadAllOptions{Direction: esdb.Backwards, From: mine[3].Position}, 3)
		require.Equal(t, ids([]*esdb.RecordedEvent{mine[2], mine[1], mine[0]}), ids(evs))
	})
	t.Run("backwards from start is empty", func(t *testing.T) {
		require.Empty(t, s.readAll(t, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.Start{}}, 10))
	})
	t.Run("backwards from end", func(t *testing.T) {
		evs := s.readAll(t, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 500)
		require.NotEmpty(t, evs)
		for i := 1; i < len(evs); i++ {
			require.True(t, less(evs[i].Position, evs[i-1].Position), "backwards positions must decrease")
		}
		require.Contains(t, ids(evs), mine[4].EventID, "the latest events come first")
	})
	t.Run("positions match stream reads", func(t *testing.T) {
		evs := s.readAll(t, esdb.ReadAllOptions{From: mine[0].Position}, 5)
		for i, ev := range evs {
			require.Equal(t, mine[i].Position, ev.Position, "%s@%d", ev.StreamID, ev.EventNumber)
			require.Equal(t, mine[i].EventNumber, ev.EventNumber)
		}
	})
	t.Run("concurrent appends", s.testConcurrentAppendsOrder)
}

// testConcurrentAppendsOrder appends from several goroutines to several streams, then requires
// $all to hold every event once, positions strictly increasing and each stream's revisions in
// order.
func (s *suite) testConcurrentAppendsOrder(t *testing.T) {
	const writers, perWriter = 4, 10
	category := s.category("race")
	start := s.appendEvents(t, category+"-start", esdb.NoStream{}, jsonEvent("Start", 0))
	done := make(chan error, writers)
	for w := range writers {
		go func() {
			stream := category + "-" + string(rune('a'+w))
			for i := range perWriter {
				_, err := s.client.AppendToStream(ctx(t), stream, esdb.AppendToStreamOptions{}, jsonEvent("Race", i))
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range writers {
		require.NoError(t, <-done)
	}
	from := esdb.Position{Commit: start.CommitPosition, Prepare: start.PreparePosition}
	var mine []*esdb.RecordedEvent
	for _, ev := range s.readAll(t, esdb.ReadAllOptions{From: from}, 10_000) {
		if ev.StreamID != category+"-start" && len(ev.StreamID) > len(category) && ev.StreamID[:len(category)] == category {
			mine = append(mine, ev)
		}
	}
	require.Len(t, mine, writers*perWriter)
	requireIncreasing(t, mine)
	next := map[string]uint64{}
	for _, ev := range mine {
		require.Equal(t, next[ev.StreamID], ev.EventNumber, "revisions of %s in $all order", ev.StreamID)
		next[ev.StreamID]++
	}
}

package eventstoretest

import (
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// follower drains a subscription in the background so tests can wait for what it delivered.
type follower struct {
	events      chan *esdb.RecordedEvent
	checkpoints chan esdb.Position
	dropped     chan error
}

// follow starts draining sub; events for which keep returns false (other tests' traffic on a
// shared server) are left out. The subscription is closed when the test ends.
func follow(t *testing.T, sub *esdb.Subscription, keep func(*esdb.RecordedEvent) bool) *follower {
	t.Helper()
	f := &follower{
		events:      make(chan *esdb.RecordedEvent, 10_000),
		checkpoints: make(chan esdb.Position, 10_000),
		dropped:     make(chan error, 1),
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = sub.Close()
		<-done
	})
	go func() {
		defer close(done)
		for {
			msg := sub.Recv()
			switch {
			case msg.SubscriptionDropped != nil:
				f.dropped <- msg.SubscriptionDropped.Error
				return
			case msg.EventAppeared != nil:
				if ev := msg.EventAppeared.OriginalEvent(); keep == nil || keep(ev) {
					f.events <- ev
				}
			case msg.CheckPointReached != nil:
				select {
				case f.checkpoints <- *msg.CheckPointReached:
				default:
				}
			}
		}
	}()
	return f
}

// inCategory keeps events of streams in category.
func inCategory(category string) func(*esdb.RecordedEvent) bool {
	return func(ev *esdb.RecordedEvent) bool { return strings.HasPrefix(ev.StreamID, category+"-") }
}

// next waits for the next event.
func (f *follower) next(t *testing.T) *esdb.RecordedEvent {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	select {
	case ev := <-f.events:
		return ev
	case err := <-f.dropped:
		require.FailNow(t, "subscription dropped", "%v", err)
	case <-timer.C:
		require.FailNow(t, "no event delivered", "within %v", waitTimeout)
	}
	return nil
}

// take waits for n events.
func (f *follower) take(t *testing.T, n int) []*esdb.RecordedEvent {
	t.Helper()
	out := make([]*esdb.RecordedEvent, n)
	for i := range out {
		out[i] = f.next(t)
	}
	return out
}

// nextCheckpoint waits for the next checkpoint.
func (f *follower) nextCheckpoint(t *testing.T) esdb.Position {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	select {
	case p := <-f.checkpoints:
		return p
	case err := <-f.dropped:
		require.FailNow(t, "subscription dropped", "%v", err)
	case <-timer.C:
		require.FailNow(t, "no checkpoint delivered", "within %v", waitTimeout)
	}
	return esdb.Position{}
}

// checkpointFrom waits for a checkpoint at or after p, skipping earlier ones (sent while
// catching up).
func (f *follower) checkpointFrom(t *testing.T, p esdb.Position) esdb.Position {
	t.Helper()
	for {
		if cp := f.nextCheckpoint(t); !less(cp, p) {
			return cp
		}
	}
}

// requireNothingBefore appends a sentinel event to stream and requires it to be the next event
// delivered: proof that nothing else (a duplicate, a stray event) was delivered before it.
func (s *suite) requireNothingBefore(t *testing.T, f *follower, stream string) {
	t.Helper()
	sentinel := jsonEvent("Sentinel", -1)
	s.appendEvents(t, stream, esdb.Any{}, sentinel)
	got := f.next(t)
	require.Equal(t, sentinel.EventID, got.EventID, "next delivered event must be the sentinel, got %s@%d %s",
		got.StreamID, got.EventNumber, got.EventType)
}

// writeInBackground appends count events to stream one or two at a time from another
// goroutine, and returns a channel with the result and the IDs it appended, in order.
func (s *suite) writeInBackground(t *testing.T, stream, typ string, count int) (<-chan error, []uuid.UUID) {
	t.Helper()
	evs := jsonEvents(typ, 0, count)
	done := make(chan error, 1)
	go func() {
		for i := 0; i < len(evs); i += 2 {
			batch := evs[i:min(i+2, len(evs))]
			if _, err := s.client.AppendToStream(ctx(t), stream, esdb.AppendToStreamOptions{}, batch...); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return done, dataIDs(evs)
}

// prefill appends count events to a new stream in batches of 100 and returns their IDs.
func (s *suite) prefill(t *testing.T, stream string, count int) []uuid.UUID {
	t.Helper()
	evs := jsonEvents("Old", 0, count)
	for i := 0; i < count; i += 100 {
		s.appendEvents(t, stream, esdb.Any{}, evs[i:min(i+100, count)]...)
	}
	return dataIDs(evs)
}

// marker appends one event to a fresh stream of category and returns its $all position, a
// starting point for $all subscriptions that skips the rest of a shared database.
func (s *suite) marker(t *testing.T, category string) esdb.Position {
	t.Helper()
	s.appendEvents(t, category+"-marker", esdb.Any{}, jsonEvent("Marker", 0))
	evs, err := s.readStream(t, category+"-marker", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	return evs[0].Position
}

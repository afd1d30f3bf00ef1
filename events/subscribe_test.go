package events_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

// subscriber runs a subscription in the background and collects what it hands over.
type subscriber struct {
	got    chan events.Recorded
	result chan error
	cancel context.CancelFunc

	mu          sync.Mutex
	checkpoints []events.Position
}

func (s *subscriber) handle(_ context.Context, r events.Recorded) error {
	s.got <- r
	return nil
}

func (s *subscriber) checkpoint(_ context.Context, p events.Position) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkpoints = append(s.checkpoints, p)
	return nil
}

func (s *subscriber) lastCheckpoint(t *testing.T) events.Position {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.checkpoints)
	return s.checkpoints[len(s.checkpoints)-1]
}

// subscribe starts run (a SubscribeAll or SubscribeStream call) and stops it when the test ends.
func subscribe(t *testing.T, run func(ctx context.Context, s *subscriber) error) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &subscriber{got: make(chan events.Recorded, 10_000), result: make(chan error, 1), cancel: cancel}
	go func() { s.result <- run(ctx, s) }()
	t.Cleanup(func() {
		cancel()
		require.ErrorIs(t, <-s.result, context.Canceled, "a subscription stopped by its context returns ctx.Err()")
	})
	return s
}

// take waits for n events.
func (s *subscriber) take(t *testing.T, n int) []events.Recorded {
	t.Helper()
	out := make([]events.Recorded, 0, n)
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	for len(out) < n {
		select {
		case r := <-s.got:
			out = append(out, r)
		case err := <-s.result:
			require.FailNow(t, "subscription ended", "after %d of %d events: %v", len(out), n, err)
		case <-timer.C:
			require.FailNow(t, "subscription stalled", "%d of %d events", len(out), n)
		}
	}
	return out
}

// requireNext appends a sentinel to stream and requires it to be the next event handed over:
// nothing (a duplicate) came in between.
func (s *subscriber) requireNext(t *testing.T, j *events.Journal, stream string) {
	t.Helper()
	sentinel := stringEvent(uuid.New(), "sentinel")
	_, err := j.Append(testCtx(t), stream, events.Any(), sentinel)
	require.NoError(t, err)
	require.Equal(t, sentinel.ID, s.take(t, 1)[0].ID)
}

func recordedIDs(rs []events.Recorded) []uuid.UUID {
	out := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func eventIDs(evs []events.Event) []uuid.UUID {
	out := make([]uuid.UUID, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestSubscribeStream(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	before := stringEvents("old", 5)
	_, err := j.Append(ctx, stream, events.NoStream(), before...)
	require.NoError(t, err)

	fromStart := subscribe(t, func(ctx context.Context, s *subscriber) error {
		return j.SubscribeStream(ctx, stream, events.StreamFromStart(), s.handle)
	})
	afterTwo := subscribe(t, func(ctx context.Context, s *subscriber) error {
		return j.SubscribeStream(ctx, stream, events.StreamAfter(2), s.handle)
	})
	require.Equal(t, eventIDs(before), recordedIDs(fromStart.take(t, 5)))
	require.Equal(t, eventIDs(before[3:]), recordedIDs(afterTwo.take(t, 2)))

	live := stringEvents("new", 3)
	_, err = j.Append(ctx, stream, events.Exact(4), live...)
	require.NoError(t, err)
	require.Equal(t, eventIDs(live), recordedIDs(fromStart.take(t, 3)))
	got := afterTwo.take(t, 3)
	require.Equal(t, eventIDs(live), recordedIDs(got))
	require.Equal(t, []string{"newa", "newb", "newc"}, payloads(got))
	fromStart.requireNext(t, j, stream)
}

func TestSubscribeAllFiltersAndCheckpoints(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	journeyA, journeyB, pathway := newJourney(), newJourney(), events.PathwayStream(uuid.NewString())
	wanted := []events.Event{stringEvent(uuid.New(), "a1"), stringEvent(uuid.New(), "b1")}
	_, err := j.Append(ctx, journeyA, events.Any(), wanted[0], events.Event{ID: uuid.New(), Payload: wrapperspb.Int64(7)})
	require.NoError(t, err)
	_, err = j.Append(ctx, pathway, events.Any(), stringEvent(uuid.New(), "not a journey"))
	require.NoError(t, err)
	_, err = j.Append(ctx, journeyB, events.Any(), wanted[1])
	require.NoError(t, err)

	opts := events.SubscribeOptions{
		StreamPrefixes:    []string{events.JourneyCategory + "-"},
		EventTypePrefixes: []string{"google.protobuf.StringValue"},
	}
	sub := subscribe(t, func(ctx context.Context, s *subscriber) error {
		o := opts
		o.Checkpoint = s.checkpoint
		return j.SubscribeAll(ctx, o, s.handle)
	})
	got := sub.take(t, 2)
	require.Equal(t, eventIDs(wanted), recordedIDs(got), "only journey streams' StringValue events")
	// A checkpoint may arrive while the server is still scanning towards b1 (one for the events
	// it filtered out); one covering the handled events follows.
	require.Eventually(t, func() bool {
		sub.mu.Lock()
		defer sub.mu.Unlock()
		return len(sub.checkpoints) > 0 && sub.checkpoints[len(sub.checkpoints)-1].Compare(got[1].Position) >= 0
	}, 10*time.Second, 10*time.Millisecond, "a checkpoint covering the handled events")

	// A new subscriber resuming from the checkpoint gets only what came after it.
	resume := sub.lastCheckpoint(t)
	later := stringEvent(uuid.New(), "a2")
	_, err = j.Append(ctx, journeyA, events.Any(), later)
	require.NoError(t, err)
	require.Equal(t, later.ID, sub.take(t, 1)[0].ID)
	resumed := subscribe(t, func(ctx context.Context, s *subscriber) error {
		o := opts
		o.From = events.AllAfter(resume)
		return j.SubscribeAll(ctx, o, s.handle)
	})
	require.Equal(t, later.ID, resumed.take(t, 1)[0].ID)
	resumed.requireNext(t, j, journeyB)
}

func TestSubscribeStopsOnHandlerError(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	_, err := j.Append(ctx, stream, events.NoStream(), stringEvents("e", 3)...)
	require.NoError(t, err)
	var handled []uint64
	err = j.SubscribeStream(ctx, stream, events.StreamFromStart(), func(_ context.Context, r events.Recorded) error {
		if r.Revision == 1 {
			return errStop
		}
		handled = append(handled, r.Revision)
		return nil
	})
	require.ErrorIs(t, err, errStop)
	require.ErrorContains(t, err, stream+"@1")
	require.Equal(t, []uint64{0}, handled)

	err = j.SubscribeAll(ctx, events.SubscribeOptions{
		StreamPrefixes: []string{stream},
		Checkpoint:     func(context.Context, events.Position) error { return errStop },
	}, func(context.Context, events.Recorded) error { return nil })
	require.ErrorIs(t, err, errStop, "a failing checkpoint stops the subscription")
}

// TestResubscribesAfterServerRestart stops the server under two running subscriptions, starts it
// again on the same data and address, and requires every event to be handed over exactly once,
// in order, with the journal reconnecting by itself: after a quick restart, and after an outage
// long enough for the official client to give up on the server for good.
func TestResubscribesAfterServerRestart(t *testing.T) {
	tests := []struct {
		name     string
		options  string // connection string options
		failures int    // appends that must fail while the server is down
	}{
		{"quick restart", "", 0},
		{"client gives up while down", "&maxDiscoverAttempts=1&discoveryInterval=10", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			srv, err := embedded.Start(context.Background(), embedded.Options{DataDir: dir})
			require.NoError(t, err)
			addr := srv.Addr()
			t.Cleanup(func() { _ = srv.Close() })
			j := openJournal(t, srv.URL()+tt.options, events.WithBackoff(events.Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond}),
				events.WithOpenTimeout(2*time.Second))
			ctx := testCtx(t)
			stream := newJourney()

			first := stringEvents("before", 5)
			_, err = j.Append(ctx, stream, events.NoStream(), first...)
			require.NoError(t, err)
			all := subscribe(t, func(ctx context.Context, s *subscriber) error {
				return j.SubscribeAll(ctx, events.SubscribeOptions{StreamPrefixes: []string{stream}, Checkpoint: s.checkpoint}, s.handle)
			})
			one := subscribe(t, func(ctx context.Context, s *subscriber) error {
				return j.SubscribeStream(ctx, stream, events.StreamFromStart(), s.handle)
			})
			require.Equal(t, eventIDs(first), recordedIDs(all.take(t, 5)))
			require.Equal(t, eventIDs(first), recordedIDs(one.take(t, 5)))

			require.NoError(t, srv.Close())
			second := stringEvents("after", 5)
			for range tt.failures {
				attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
				_, err := j.Append(attempt, stream, events.Exact(4), second...)
				cancel()
				require.Error(t, err, "the server is down")
			}
			srv, err = embedded.Start(context.Background(), embedded.Options{DataDir: dir, Listen: addr})
			require.NoError(t, err)

			require.Eventually(t, func() bool { // as an activity would retry: bounded tries, same IDs, Exact
				attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
				defer cancel()
				_, err := j.Append(attempt, stream, events.Exact(4), second...)
				return err == nil
			}, 20*time.Second, 50*time.Millisecond)
			require.Equal(t, eventIDs(second), recordedIDs(all.take(t, 5)))
			require.Equal(t, eventIDs(second), recordedIDs(one.take(t, 5)))
			all.requireNext(t, j, stream)
			one.take(t, 1) // that sentinel
			one.requireNext(t, j, stream)
			all.take(t, 1)
			got, err := j.ReadStream(ctx, stream)
			require.NoError(t, err)
			require.Len(t, got, 12, "10 events and 2 sentinels, none doubled")
			require.GreaterOrEqual(t, all.lastCheckpoint(t).Compare(got[9].Position), 0)
		})
	}
}

// TestServerCheckpointsReachTheSubscriber: with nothing matching its filter, a subscriber still
// hears of the server's checkpoints, so its stored position moves past unrelated traffic.
func TestServerCheckpointsReachTheSubscriber(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	res, err := j.Append(ctx, newJourney(), events.NoStream(), stringEvents("other", 3)...)
	require.NoError(t, err)
	sub := subscribe(t, func(ctx context.Context, s *subscriber) error {
		opts := events.SubscribeOptions{StreamPrefixes: []string{events.PathwayCategory + "-"}, Checkpoint: s.checkpoint}
		return j.SubscribeAll(ctx, opts, s.handle)
	})
	require.Eventually(t, func() bool {
		sub.mu.Lock()
		defer sub.mu.Unlock()
		return len(sub.checkpoints) > 0 && sub.checkpoints[len(sub.checkpoints)-1].Compare(res.Position) >= 0
	}, 10*time.Second, 10*time.Millisecond, "a checkpoint at or past the unrelated events")
	require.Empty(t, sub.got, "nothing matched the filter")
}

package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func openTest(t *testing.T, opts Options) *Store {
	t.Helper()
	if opts.Dir == "" {
		opts.InMemory = true
	}
	s, err := Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var idSeq atomic.Uint64

func proposed(n int) []ProposedEvent {
	out := make([]ProposedEvent, n)
	for i := range out {
		var id [16]byte
		v := idSeq.Add(1)
		for b := 0; b < 8; b++ {
			id[15-b] = byte(v >> (8 * b))
		}
		id[0] = 1
		out[i] = ProposedEvent{ID: id, Type: "T", ContentType: "application/json", Data: []byte(fmt.Sprintf(`{"i":%d}`, v))}
	}
	return out
}

func TestRestartKeepsStateAndPositions(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	batch := proposed(3)
	first, err := s.Append(context.Background(), "a", Expected{Kind: ExpectNoStream}, batch)
	require.NoError(t, err)
	_, err = s.Tombstone(context.Background(), "gone", Expected{Kind: ExpectAny})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openTest(t, Options{Dir: dir})
	retry, err := s.Append(context.Background(), "a", Expected{Kind: ExpectNoStream}, batch)
	require.NoError(t, err, "idempotency survives a restart")
	require.Equal(t, first, retry)
	next, err := s.Append(context.Background(), "b", Expected{Kind: ExpectAny}, proposed(1))
	require.NoError(t, err)
	require.Greater(t, next.Position, first.Position+1, "positions continue after the tombstone")
	_, err = s.Append(context.Background(), "gone", Expected{Kind: ExpectAny}, proposed(1))
	require.ErrorIs(t, err, ErrStreamDeleted)
	all, err := s.ReadAll(Forwards, AllFrom{Kind: FromStart}, 100)
	require.NoError(t, err)
	require.Len(t, all, 5)
}

type countingObserver struct{ syncs, writes atomic.Int64 }

func (o *countingObserver) ObserveCommit(writes, _, _ int, _ time.Duration) {
	o.syncs.Add(1)
	o.writes.Add(int64(writes))
}

func TestConcurrentAppendsShareSyncs(t *testing.T) {
	obs := &countingObserver{}
	s := openTest(t, Options{Dir: t.TempDir(), Observer: obs})
	fsyncsBefore := s.WALFsyncs()
	const writers, each = 32, 20
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Append(context.Background(), fmt.Sprintf("w-%d", w), Expected{Kind: ExpectAny}, proposed(1)); err != nil {
					errs <- fmt.Errorf("writer %d, append %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, int64(writers*each), obs.writes.Load())
	require.Less(t, obs.syncs.Load(), int64(writers*each), "writers share group-commit batches")
	require.Less(t, s.WALFsyncs()-fsyncsBefore, uint64(writers*each), "writers share WAL fsyncs")
}

func TestMaxAgeHidesOldEvents(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	s := openTest(t, Options{Now: clock})
	ctx := context.Background()
	_, err := s.Append(ctx, "aged", Expected{Kind: ExpectAny}, proposed(2))
	require.NoError(t, err)
	advance(2 * time.Minute)
	_, err = s.Append(ctx, "aged", Expected{Kind: ExpectAny}, proposed(1))
	require.NoError(t, err)
	meta := proposed(1)
	meta[0].Type, meta[0].Data = metadataEventType, []byte(`{"$maxAge":60}`)
	_, err = s.Append(ctx, "$$aged", Expected{Kind: ExpectAny}, meta)
	require.NoError(t, err)
	evs, err := s.ReadStream("aged", Forwards, StreamFrom{Kind: FromStart}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, uint64(2), evs[0].Revision)
	advance(2 * time.Minute)
	evs, err = s.ReadStream("aged", Backwards, StreamFrom{Kind: FromEnd}, 10)
	require.NoError(t, err)
	require.Empty(t, evs)
}

// TestSlowSubscriberNeverBlocksWriters holds a subscriber still while
// writers append: the writers finish, the subscriber falls behind, catches
// up from disk and still sees every event once, in order.
func TestSlowSubscriberNeverBlocksWriters(t *testing.T) {
	s := openTest(t, Options{LiveBuffer: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	var (
		mu         sync.Mutex
		positions  []uint64
		fellBehind int
		caughtUp   = make(chan struct{}, 100)
	)
	go func() {
		_ = s.SubscribeAll(ctx, AllSubscription{From: AllFrom{Kind: FromStart}}, func(d Delivery) error {
			switch {
			case d.CaughtUp:
				caughtUp <- struct{}{}
			case d.FellBehind:
				mu.Lock()
				fellBehind++
				mu.Unlock()
			case d.Event != nil:
				<-release
				mu.Lock()
				positions = append(positions, d.Event.Position)
				mu.Unlock()
			}
			return nil
		})
	}()
	<-caughtUp
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Append(ctx, fmt.Sprintf("slow-%d", w), Expected{Kind: ExpectAny}, proposed(1)); err != nil {
					errs <- fmt.Errorf("writer %d, append %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait() // would hang if the subscriber held the writers back
	close(release)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(positions) == writers*each
	}, 10*time.Second, time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(positions); i++ {
		require.Equal(t, positions[i-1]+1, positions[i], "no gap, no duplicate")
	}
	require.Positive(t, fellBehind)
}

func TestRecordRoundTrip(t *testing.T) {
	ev := &Event{Stream: "s", Revision: 7, Position: 9, ID: [16]byte{1, 2}, Type: "T", ContentType: "c", Created: -5, Data: []byte("d"), Metadata: []byte{}}
	got, err := decodeEvent(9, encodeEvent(ev))
	require.NoError(t, err)
	require.Equal(t, ev, got)
	enc := encodeEvent(ev)
	for i := 0; i < len(enc); i++ {
		_, err := decodeEvent(9, enc[:i])
		require.Error(t, err, "truncated at %d", i)
	}
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add(encodeEvent(&Event{Stream: "s", Type: "T", Data: []byte("x")}))
	f.Add([]byte{recordVersion, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := decodeEvent(1, b)
		if err != nil {
			return
		}
		again, err := decodeEvent(1, encodeEvent(ev))
		require.NoError(t, err)
		require.Equal(t, ev, again)
	})
}

func TestPagesAreBoundedInBytes(t *testing.T) {
	s := openTest(t, Options{})
	big := proposed(6)
	for i := range big {
		big[i].Data = make([]byte, 1<<20)
	}
	for i := range big {
		_, err := s.Append(context.Background(), "big", Expected{Kind: ExpectAny}, big[i:i+1])
		require.NoError(t, err)
	}
	all, err := s.ReadAll(Forwards, AllFrom{Kind: FromStart}, 100)
	require.NoError(t, err)
	require.Len(t, all, 4, "a page stops once it holds 4 MiB")
	evs, err := s.ReadStream("big", Backwards, StreamFrom{Kind: FromEnd}, 100)
	require.NoError(t, err)
	require.Len(t, evs, 4)
	rest, err := s.ReadStream("big", Backwards, StreamFrom{Kind: FromExact, Revision: 1}, 100)
	require.NoError(t, err)
	require.Len(t, rest, 2)
}

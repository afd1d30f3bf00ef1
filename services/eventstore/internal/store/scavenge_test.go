package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/diskscan"
)

// testClock is a settable clock for the store's Now.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// newMarker is a unique run of bytes no file holds by chance, standing for a patient's data. It
// is random bytes: the storage engine compresses its tables (Snappy), which keeps a run as it is
// only where it repeats nothing before it, and random bytes almost surely do not, so a scan of
// the files sees the data wherever it is.
func newMarker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return string(b)
}

// markedEvents are n events whose data carries marker.
func markedEvents(n int, marker string) []ProposedEvent {
	evs := proposed(n)
	for i := range evs {
		evs[i].ContentType = "application/octet-stream"
		evs[i].Data = append([]byte(marker), byte(i))
	}
	return evs
}

func onDisk(t *testing.T, dir, marker string) []diskscan.Hit {
	t.Helper()
	hits, err := diskscan.Find(dir, []byte(marker))
	require.NoError(t, err)
	return hits
}

func setMeta(t *testing.T, s *Store, stream, doc string) {
	t.Helper()
	_, err := s.Append(context.Background(), metastreamOf(stream), Expected{Kind: ExpectAny},
		[]ProposedEvent{{ID: newEventID(), Type: metadataEventType, ContentType: "application/json", Data: []byte(doc)}})
	require.NoError(t, err)
}

func appendT(t *testing.T, s *Store, stream string, evs []ProposedEvent) {
	t.Helper()
	_, err := s.Append(context.Background(), stream, Expected{Kind: ExpectAny}, evs)
	require.NoError(t, err)
}

func readAllT(t *testing.T, s *Store) []*Event {
	t.Helper()
	evs, err := s.ReadAll(Forwards, AllFrom{Kind: FromStart}, 100_000)
	require.NoError(t, err)
	return evs
}

func readStreamT(t *testing.T, s *Store, stream string) ([]*Event, error) {
	t.Helper()
	return s.ReadStream(stream, Forwards, StreamFrom{Kind: FromStart}, 100_000)
}

// scavengeScene writes, to a durable store, one stream per way an event stops being readable
// (each with a marker that must leave the disk) and one stream that stays.
type scavengeScene struct {
	gone map[string]string // what -> marker that must leave the disk
	kept string            // marker of the stream that stays
}

func writeScavengeScene(t *testing.T, s *Store, clock *testClock) scavengeScene {
	t.Helper()
	ctx := context.Background()
	sc := scavengeScene{gone: map[string]string{}, kept: newMarker(t)}
	for _, what := range []string{"soft", "hard", "tb", "maxcount", "maxage", "meta-of-hard", "old-meta"} {
		sc.gone[what] = newMarker(t)
	}
	appendT(t, s, "kept", markedEvents(3, sc.kept))
	setMeta(t, s, "kept", sc.gone["old-meta"])
	setMeta(t, s, "kept", `{"superseded":true}`)

	appendT(t, s, "soft", markedEvents(2, sc.gone["soft"]))
	_, err := s.Delete(ctx, "soft", Expected{Kind: ExpectAny})
	require.NoError(t, err)

	setMeta(t, s, "hard", sc.gone["meta-of-hard"]) // not JSON: metadata the server cannot parse counts as none
	appendT(t, s, "hard", markedEvents(2, sc.gone["hard"]))
	_, err = s.Tombstone(ctx, "hard", Expected{Kind: ExpectAny})
	require.NoError(t, err)

	appendT(t, s, "tb", markedEvents(2, sc.gone["tb"]))
	appendT(t, s, "tb", markedEvents(1, sc.kept))
	setMeta(t, s, "tb", `{"$tb":2}`)

	appendT(t, s, "maxcount", markedEvents(2, sc.gone["maxcount"]))
	appendT(t, s, "maxcount", markedEvents(1, sc.kept))
	setMeta(t, s, "maxcount", `{"$maxCount":1}`)

	// Last in the log, so the scavenge removes the log's last events.
	setMeta(t, s, "maxage", `{"$maxAge":60}`)
	appendT(t, s, "maxage", markedEvents(2, sc.gone["maxage"]))
	clock.Advance(2 * time.Minute)
	// As in a store that has run a while: the data is in tables, not only in the write-ahead log
	// and the memtable (where the deletions of a scavenge would meet it first).
	require.NoError(t, s.db.Flush())
	return sc
}

func TestScavengeRemovesUnreadableEventsFromTheDisk(t *testing.T) {
	dir := t.TempDir()
	clock := &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(Options{Dir: dir, Now: clock.Now})
	require.NoError(t, err)
	sc := writeScavengeScene(t, s, clock)
	for what, marker := range sc.gone {
		require.NotEmpty(t, onDisk(t, dir, marker), "%s: before a scavenge the deleted data is still on disk", what)
	}
	streams := []string{"kept", "tb", "maxcount", "maxage", "$$tb", "$$soft", "$$kept"}
	before := map[string][]*Event{}
	for _, name := range streams {
		before[name], err = readStreamT(t, s, name)
		require.NoError(t, err, name)
	}
	allBefore := readAllT(t, s)
	last := s.LastPosition()

	res, err := s.Scavenge(context.Background())
	require.NoError(t, err)
	// soft 2, hard 2 + its metadata 1, tb 2, maxcount 2, maxage 2, kept's superseded metadata 1.
	require.Equal(t, int64(12), res.EventsRemoved)
	require.Positive(t, res.RecordBytesRemoved)

	for what, marker := range sc.gone {
		require.Empty(t, onDisk(t, dir, marker), "%s: scavenged data left the disk", what)
	}
	require.NotEmpty(t, onDisk(t, dir, sc.kept), "data still readable stays")
	checkAfterScavenge(t, s, before, allBefore)

	require.NoError(t, s.Close())
	s = openTest(t, Options{Dir: dir, Now: clock.Now})
	checkAfterScavenge(t, s, before, allBefore)
	res2, err := s.Append(context.Background(), "new", Expected{Kind: ExpectAny}, proposed(1))
	require.NoError(t, err)
	require.Greater(t, res2.Position, last, "a removed position is never given out again")
	for what, marker := range sc.gone {
		require.Empty(t, onDisk(t, dir, marker), "%s: nothing comes back after a restart", what)
	}
}

// checkAfterScavenge: every stream reads as before, and $all is what it was minus the removed
// events, at the same positions.
func checkAfterScavenge(t *testing.T, s *Store, before map[string][]*Event, allBefore []*Event) {
	t.Helper()
	for name, evs := range before {
		got, err := readStreamT(t, s, name)
		require.NoError(t, err, name)
		require.Equal(t, evs, got, "%s reads as before", name)
	}
	_, err := readStreamT(t, s, "soft")
	require.ErrorIs(t, err, ErrStreamNotFound)
	_, err = readStreamT(t, s, "hard")
	require.ErrorIs(t, err, ErrStreamDeleted)
	_, err = s.Append(context.Background(), "hard", Expected{Kind: ExpectAny}, proposed(1))
	require.ErrorIs(t, err, ErrStreamDeleted, "a tombstone stays")
	all := readAllT(t, s)
	kept := map[uint64]*Event{}
	for _, ev := range all {
		kept[ev.Position] = ev
	}
	var want []*Event
	for _, ev := range allBefore {
		if k, ok := kept[ev.Position]; ok {
			require.Equal(t, ev, k)
			want = append(want, ev)
		}
	}
	require.Equal(t, want, all, "$all keeps its remaining events at their positions")
	require.Less(t, len(all), len(allBefore))
}

func TestScavengeKeepsRevisionsAndRecreation(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	appendT(t, s, "s", proposed(3))
	_, err := s.Delete(ctx, "s", Expected{Kind: ExpectRevision, Revision: 2})
	require.NoError(t, err)
	_, err = s.Scavenge(ctx)
	require.NoError(t, err)

	_, err = s.Append(ctx, "s", Expected{Kind: ExpectRevision, Revision: 1}, proposed(1))
	var wev *WrongExpectedVersionError
	require.ErrorAs(t, err, &wev, "the last revision survives the scavenge")
	require.Equal(t, int64(2), wev.Current)
	res, err := s.Append(ctx, "s", Expected{Kind: ExpectRevision, Revision: 2}, proposed(1))
	require.NoError(t, err)
	require.Equal(t, int64(3), res.Revision)
	evs, err := readStreamT(t, s, "s")
	require.NoError(t, err)
	require.Len(t, evs, 1)
	meta, err := s.ReadStream("$$s", Backwards, StreamFrom{Kind: FromEnd}, 1)
	require.NoError(t, err)
	require.JSONEq(t, `{"$tb":3}`, string(meta[0].Data), "the last metadata event is kept and moved on")
}

func TestScavengeInterruptedByCloseLeavesAReadableStore(t *testing.T) {
	dir := t.TempDir()
	clock := &testClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(Options{Dir: dir, Now: clock.Now})
	require.NoError(t, err)
	sc := writeScavengeScene(t, s, clock)
	for i := range 20 {
		appendT(t, s, fmt.Sprintf("bulk-%d", i), markedEvents(200, sc.gone["soft"]))
		_, err := s.Delete(context.Background(), fmt.Sprintf("bulk-%d", i), Expected{Kind: ExpectAny})
		require.NoError(t, err)
	}
	kept, err := readStreamT(t, s, "kept")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { _, err := s.Scavenge(context.Background()); done <- err }()
	require.NoError(t, s.Close())
	if err := <-done; err != nil {
		require.ErrorIs(t, err, ErrClosed)
	}
	_, err = s.Scavenge(context.Background())
	require.ErrorIs(t, err, ErrClosed)

	s = openTest(t, Options{Dir: dir, Now: clock.Now})
	got, err := readStreamT(t, s, "kept")
	require.NoError(t, err)
	require.Equal(t, kept, got)
	_, err = readStreamT(t, s, "bulk-3")
	require.ErrorIs(t, err, ErrStreamNotFound)
	_, err = s.Scavenge(context.Background())
	require.NoError(t, err)
	require.Empty(t, onDisk(t, dir, sc.gone["soft"]), "the next scavenge finishes the job")
}

func TestScavengeAlongsideReadsAndWrites(t *testing.T) {
	s := openTest(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	setMeta(t, s, "busy", `{"$maxCount":3}`)
	appendT(t, s, "busy", proposed(5))
	var appends atomic.Int64
	wg.Add(2)
	go func() { // a stream that keeps being truncated by $maxCount while read
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := s.Append(ctx, "busy", Expected{Kind: ExpectAny}, proposed(5)); err != nil && ctx.Err() == nil {
				errs <- err
				return
			}
			appends.Add(1)
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := readStreamT(t, s, "busy"); err != nil && !errors.Is(err, ErrStreamNotFound) {
				errs <- err
				return
			}
			if _, err := s.ReadAll(Forwards, AllFrom{Kind: FromStart}, 1000); err != nil {
				errs <- err
				return
			}
		}
	}()
	removed := int64(0)
	for scavenges := 0; scavenges < 5 || appends.Load() < 50 || removed == 0; scavenges++ {
		res, err := s.Scavenge(context.Background())
		require.NoError(t, err)
		removed += res.EventsRemoved
	}
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	evs, err := readStreamT(t, s, "busy")
	require.NoError(t, err)
	require.Len(t, evs, 3)
}

// TestScavengeStoppedBeforeItsCompactionIsFinishedByTheNext: deletions made by a scavenge that
// was stopped before compacting are compacted away by the next scavenge, though that one finds
// nothing left to delete.
func TestScavengeStoppedBeforeItsCompactionIsFinishedByTheNext(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, Options{Dir: dir})
	marker := newMarker(t)
	appendT(t, s, "patient", markedEvents(2, marker))
	_, err := s.Delete(context.Background(), "patient", Expected{Kind: ExpectAny})
	require.NoError(t, err)
	require.NoError(t, s.db.Flush())
	var res ScavengeResult
	require.NoError(t, s.removeUnreadable(context.Background(), &res)) // the deletions, no compaction
	require.Equal(t, int64(2), res.EventsRemoved)
	require.NotEmpty(t, onDisk(t, dir, marker), "deleted but not yet compacted away")

	res, err = s.Scavenge(context.Background())
	require.NoError(t, err)
	require.Zero(t, res.EventsRemoved)
	require.Empty(t, onDisk(t, dir, marker))
}

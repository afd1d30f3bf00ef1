package eventstore_test

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/diskscan"
)

// clock is a settable clock for the server's store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// patientData is a unique run of random bytes standing for one patient's data: random, so the
// storage engine's compression keeps it as it is and a scan of the files finds it wherever it is.
func patientData(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func markedData(marker []byte, n int) []esdb.EventData {
	out := make([]esdb.EventData, n)
	for i := range out {
		out[i] = esdb.EventData{EventID: uuid.New(), EventType: "Noted", ContentType: esdb.ContentTypeBinary,
			Data: append(append([]byte{}, marker...), byte(i))}
	}
	return out
}

func filesHolding(t *testing.T, dir string, marker []byte) []diskscan.Hit {
	t.Helper()
	hits, err := diskscan.Find(dir, marker)
	require.NoError(t, err)
	return hits
}

func startDurable(t *testing.T, dir string, clk *clock) (*embedded.Server, *esdb.Client) {
	t.Helper()
	srv, err := embedded.Start(t.Context(), embedded.Options{DataDir: dir, Clock: clk.Now})
	require.NoError(t, err)
	return srv, connect(t, srv.URL())
}

func appendData(t *testing.T, c *esdb.Client, stream string, evs ...esdb.EventData) {
	t.Helper()
	_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, evs...)
	require.NoError(t, err)
}

func setStreamMeta(t *testing.T, c *esdb.Client, stream string, meta esdb.StreamMetadata) {
	t.Helper()
	_, err := c.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, meta)
	require.NoError(t, err)
}

// allEvents reads the whole of $all: positions and data.
func allEvents(t *testing.T, c *esdb.Client) map[uint64][]byte {
	t.Helper()
	rs, err := c.ReadAll(ctxT(t), esdb.ReadAllOptions{}, 100_000)
	evs, err := readAllOf(t, rs, err)
	require.NoError(t, err)
	out := map[uint64][]byte{}
	for _, ev := range evs {
		out[ev.OriginalEvent().Position.Commit] = ev.OriginalEvent().Data
	}
	return out
}

func streamData(t *testing.T, c *esdb.Client, stream string) ([][]byte, error) {
	t.Helper()
	evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 1000)
	out := make([][]byte, len(evs))
	for i, ev := range evs {
		out[i] = ev.OriginalEvent().Data
	}
	return out, err
}

// TestScavengeRemovesDeletedAndExpiredDataFromTheDisk: through the official client, data of a
// soft-deleted stream, a tombstoned one, events before $tb and events past $maxAge are on disk
// until a scavenge, and in no file, in no encoding, after it; what remains reads the same, at the
// same $all positions, before and after a restart, and subscriptions go on.
func TestScavengeRemovesDeletedAndExpiredDataFromTheDisk(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	srv, c := startDurable(t, dir, clk)
	gone := map[string][]byte{"soft": patientData(t), "hard": patientData(t), "tb": patientData(t), "maxage": patientData(t)}
	kept := patientData(t)
	appendData(t, c, "kept-1", markedData(kept, 2)...)

	appendData(t, c, "soft-1", markedData(gone["soft"], 2)...)
	_, err := c.DeleteStream(ctxT(t), "soft-1", esdb.DeleteStreamOptions{})
	require.NoError(t, err)
	appendData(t, c, "hard-1", markedData(gone["hard"], 2)...)
	_, err = c.TombstoneStream(ctxT(t), "hard-1", esdb.TombstoneStreamOptions{})
	require.NoError(t, err)
	appendData(t, c, "tb-1", markedData(gone["tb"], 2)...)
	appendData(t, c, "tb-1", markedData(kept, 1)...)
	var tb esdb.StreamMetadata
	tb.SetTruncateBefore(2)
	setStreamMeta(t, c, "tb-1", tb)
	var maxAge esdb.StreamMetadata
	maxAge.SetMaxAge(time.Hour)
	setStreamMeta(t, c, "maxage-1", maxAge)
	appendData(t, c, "maxage-1", markedData(gone["maxage"], 2)...)
	clk.Advance(2 * time.Hour)

	for what, marker := range gone {
		require.NotEmpty(t, filesHolding(t, dir, marker), "%s: before a scavenge the data is on disk", what)
	}
	keptBefore, err := streamData(t, c, "kept-1")
	require.NoError(t, err)
	tbBefore, err := streamData(t, c, "tb-1")
	require.NoError(t, err)
	allBefore := allEvents(t, c)
	sub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{From: esdb.End{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })

	res, err := srv.Scavenge(ctxT(t))
	require.NoError(t, err)
	require.Equal(t, int64(8), res.EventsRemoved, "2 events of each of soft-1, hard-1, tb-1 and maxage-1")

	for what, marker := range gone {
		require.Empty(t, filesHolding(t, dir, marker), "%s: after a scavenge no file holds the data in any form", what)
	}
	check := func(c *esdb.Client) {
		t.Helper()
		got, err := streamData(t, c, "kept-1")
		require.NoError(t, err)
		require.Equal(t, keptBefore, got)
		got, err = streamData(t, c, "tb-1")
		require.NoError(t, err)
		require.Equal(t, tbBefore, got)
		got, err = streamData(t, c, "maxage-1")
		require.NoError(t, err)
		require.Empty(t, got)
		_, err = streamData(t, c, "soft-1")
		require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err))
		_, err = streamData(t, c, "hard-1")
		require.Equal(t, esdb.ErrorCodeStreamDeleted, errCode(err), "the tombstone stays")
		all, remaining := allEvents(t, c), 0
		for pos, data := range allBefore {
			if got, ok := all[pos]; ok {
				require.Equal(t, data, got, "an event keeps its $all position")
				remaining++
			}
		}
		require.Equal(t, len(allBefore)-8, remaining, "$all lost exactly the removed events")
	}
	check(c)

	appendData(t, c, "after-1", event("After", `{}`))
	ev := nextEvent(t, sub)
	require.Equal(t, "after-1", ev.OriginalEvent().StreamID, "a subscription open across the scavenge goes on")
	catchUp, err := c.SubscribeToStream(ctxT(t), "tb-1", esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catchUp.Close() })
	require.Equal(t, tbBefore[0], nextEvent(t, catchUp).OriginalEvent().Data, "catch-up reads what remains")

	require.NoError(t, srv.Close())
	srv, c = startDurable(t, dir, clk)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	check(c)
	for what, marker := range gone {
		require.Empty(t, filesHolding(t, dir, marker), "%s: nothing comes back after a restart", what)
	}
}

func nextEvent(t *testing.T, sub *esdb.Subscription) *esdb.ResolvedEvent {
	t.Helper()
	for {
		msg := sub.Recv()
		switch {
		case msg.SubscriptionDropped != nil:
			t.Fatalf("subscription dropped: %v", msg.SubscriptionDropped.Error)
		case msg.EventAppeared != nil:
			return msg.EventAppeared
		}
	}
}

// TestScavengeWithNothingToRemoveChangesNothing: an empty store and a store without deletions
// scavenge without error and without losing anything.
func TestScavengeWithNothingToRemoveChangesNothing(t *testing.T) {
	srv, c := startServer(t, "")
	res, err := srv.Scavenge(ctxT(t))
	require.NoError(t, err)
	require.Zero(t, res.EventsRemoved)
	appendData(t, c, "s-1", events(3, "E")...)
	res, err = srv.Scavenge(ctxT(t))
	require.NoError(t, err)
	require.Zero(t, res.EventsRemoved)
	evs, err := readStream(t, c, "s-1", esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Equal(t, []uint64{0, 1, 2}, revisions(evs))
}

// TestScavengeAfterCloseIsRefused: a closed server scavenges nothing and says so.
func TestScavengeAfterCloseIsRefused(t *testing.T) {
	srv, err := embedded.Start(context.Background(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	require.NoError(t, srv.Close())
	_, err = srv.Scavenge(context.Background())
	require.Error(t, err)
	require.NotErrorIs(t, err, context.Canceled)
}

// TestPeriodicScavenge: with a scavenge interval the server scavenges on its own.
func TestPeriodicScavenge(t *testing.T) {
	dir := t.TempDir()
	srv, err := embedded.Start(t.Context(), embedded.Options{DataDir: dir, ScavengeInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	c := connect(t, srv.URL())
	marker := patientData(t)
	appendData(t, c, "periodic-1", markedData(marker, 2)...)
	_, err = c.TombstoneStream(ctxT(t), "periodic-1", esdb.TombstoneStreamOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		hits, err := diskscan.Find(dir, marker)
		return err == nil && len(hits) == 0
	}, 30*time.Second, 10*time.Millisecond, "a periodic scavenge removes the tombstoned stream's data")
}

package eventstore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

// subLog is what a subscription delivered, in order.
type subLog struct {
	revisions   []uint64
	positions   []uint64
	types       []string
	streams     []string
	checkpoints []uint64
	caughtUpAt  int // number of events before the first CaughtUp; -1 if none
}

// collect receives from sub until it has n events (and, if wantCaughtUp,
// the caught-up signal), failing after the deadline.
func collect(t *testing.T, sub *esdb.Subscription, n int, wantCaughtUp bool) *subLog {
	t.Helper()
	log := &subLog{caughtUpAt: -1}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(log.revisions) < n || (wantCaughtUp && log.caughtUpAt < 0) {
			ev := sub.Recv()
			switch {
			case ev.SubscriptionDropped != nil:
				return
			case ev.EventAppeared != nil:
				e := ev.EventAppeared.OriginalEvent()
				log.revisions = append(log.revisions, e.EventNumber)
				log.positions = append(log.positions, e.Position.Commit)
				log.types = append(log.types, e.EventType)
				log.streams = append(log.streams, e.StreamID)
			case ev.CheckPointReached != nil:
				log.checkpoints = append(log.checkpoints, ev.CheckPointReached.Commit)
			case ev.CaughtUp != nil && log.caughtUpAt < 0:
				log.caughtUpAt = len(log.revisions)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = sub.Close()
		<-done
		t.Fatalf("subscription delivered %d of %d events (caught up at %d)", len(log.revisions), n, log.caughtUpAt)
	}
	require.Len(t, log.revisions, n, "subscription dropped early")
	return log
}

func seq(from, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(from + i)
	}
	return out
}

func TestSubscribeToStream(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name     string
		from     esdb.StreamPosition
		existing int
		live     int
		want     []uint64
		caughtUp int
	}{
		{"from start", esdb.Start{}, 5, 3, seq(0, 8), 5},
		{"from revision is exclusive", esdb.Revision(2), 5, 3, seq(3, 5), 2},
		{"from end", esdb.End{}, 5, 3, seq(5, 3), 0},
		{"before the stream exists", esdb.Start{}, 0, 4, seq(0, 4), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("sub")
			if tt.existing > 0 {
				_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(tt.existing, "Before")...)
				require.NoError(t, err)
			}
			sub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: tt.from})
			require.NoError(t, err)
			defer sub.Close()
			other := newStream("noise")
			for i := 0; i < tt.live; i++ {
				_, err := c.AppendToStream(ctxT(t), other, esdb.AppendToStreamOptions{}, event("Noise", "{}"))
				require.NoError(t, err)
				_, err = c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event("Live", "{}"))
				require.NoError(t, err)
			}
			log := collect(t, sub, len(tt.want), true)
			require.Equal(t, tt.want, log.revisions)
			require.LessOrEqual(t, log.caughtUpAt, len(tt.want))
			require.GreaterOrEqual(t, log.caughtUpAt, tt.caughtUp)
		})
	}
}

// TestSubscriptionHandOverUnderLoad subscribes while writers are busy: the
// subscriber must see every event exactly once, in order, across the
// catch-up/live hand-over.
func TestSubscriptionHandOverUnderLoad(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("handover")
	const before, writers, perWriter = 300, 4, 100
	for i := 0; i < before/100; i++ {
		_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(100, "Before")...)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event("During", "{}"))
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	streamSub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	require.NoError(t, err)
	defer streamSub.Close()
	allSub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{From: esdb.Start{}})
	require.NoError(t, err)
	defer allSub.Close()
	wg.Wait()
	total := before + writers*perWriter
	require.Equal(t, seq(0, total), collect(t, streamSub, total, true).revisions)
	all := collect(t, allSub, total, true)
	for i := 1; i < len(all.positions); i++ {
		require.Greater(t, all.positions[i], all.positions[i-1])
	}
	require.Equal(t, seq(0, total), all.revisions)
}

func TestSubscribeToAllFromPosition(t *testing.T) {
	_, c := startServer(t, "")
	var positions []uint64
	for i := 0; i < 5; i++ {
		res, err := c.AppendToStream(ctxT(t), newStream("pos"), esdb.AppendToStreamOptions{}, event("Pos", "{}"))
		require.NoError(t, err)
		positions = append(positions, res.CommitPosition)
	}
	tests := []struct {
		name string
		from esdb.AllPosition
		want []uint64
	}{
		{"from start", esdb.Start{}, positions},
		{"from position is exclusive", esdb.Position{Commit: positions[1], Prepare: positions[1]}, positions[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{From: tt.from})
			require.NoError(t, err)
			defer sub.Close()
			require.Equal(t, tt.want, collect(t, sub, len(tt.want), true).positions)
		})
	}
	t.Run("from end sees only new events", func(t *testing.T) {
		sub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{From: esdb.End{}})
		require.NoError(t, err)
		defer sub.Close()
		res, err := c.AppendToStream(ctxT(t), newStream("pos"), esdb.AppendToStreamOptions{}, event("New", "{}"))
		require.NoError(t, err)
		require.Equal(t, []uint64{res.CommitPosition}, collect(t, sub, 1, true).positions)
	})
}

func TestSubscribeToAllFiltered(t *testing.T) {
	_, c := startServer(t, "")
	tag := newStream("f")
	for i := 0; i < 10; i++ {
		for _, kind := range []string{"order", "invoice"} {
			stream := fmt.Sprintf("%s_%s-%d", kind, tag, i)
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event(kind+"Placed", "{}"))
			require.NoError(t, err)
		}
	}
	tests := []struct {
		name     string
		filter   *esdb.SubscriptionFilter
		window   int
		interval int
		wantType string
	}{
		{"stream prefix", &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{"order_" + tag}}, 1, 1, "orderPlaced"},
		{"stream regex", &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: "^invoice_" + tag}, 2, 2, "invoicePlaced"},
		{"event type prefix", &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Prefixes: []string{"invoiceP"}}, 3, 1, "invoicePlaced"},
		{"event type regex", &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Regex: "^order"}, 0, 0, "orderPlaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := c.SubscribeToAll(ctxT(t), esdb.SubscribeToAllOptions{
				From: esdb.Start{}, Filter: tt.filter, MaxSearchWindow: tt.window, CheckpointInterval: tt.interval,
			})
			require.NoError(t, err)
			defer sub.Close()
			log := collect(t, sub, 10, true)
			for _, typ := range log.types {
				require.Equal(t, tt.wantType, typ)
			}
			interval := max(tt.window, 0) * max(tt.interval, 0)
			if tt.window == 0 {
				interval = 32 // the client's defaults: window 32, multiplier 1
			}
			// 20 events considered: one checkpoint per full interval, plus
			// one when the catch-up reaches the end (unless that position
			// was just checkpointed: the real server never repeats one).
			want := 20 / interval
			if 20%interval != 0 {
				want++
			}
			require.Len(t, log.checkpoints, want, "checkpoints %v", log.checkpoints)
			for i := 1; i < len(log.checkpoints); i++ {
				require.Greater(t, log.checkpoints[i], log.checkpoints[i-1])
			}
		})
	}
}

func TestManySubscribers(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("many")
	const subscribers, n = 20, 50
	subs := make([]*esdb.Subscription, subscribers)
	for i := range subs {
		sub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: esdb.Start{}})
		require.NoError(t, err)
		t.Cleanup(func() { _ = sub.Close() })
		subs[i] = sub
	}
	for i := 0; i < n; i++ {
		_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event("Fan", "{}"))
		require.NoError(t, err)
	}
	for _, sub := range subs {
		require.Equal(t, seq(0, n), collect(t, sub, n, false).revisions)
	}
}

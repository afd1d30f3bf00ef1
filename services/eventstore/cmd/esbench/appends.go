package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/cockroachdb/pebble/v2"
	"github.com/google/uuid"

	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
)

type latencies struct{ p50, p99 time.Duration }

// benchAppends runs every writers × batch scenario through the client and
// against raw synced Pebble commits.
func benchAppends(ctx context.Context, o options, dir, rawDir string) (_ []row, _ latencies, err error) {
	srv, c, err := startClient(ctx, dir)
	if err != nil {
		return nil, latencies{}, err
	}
	defer closeInto(&err, srv, "server")
	defer closeInto(&err, c, "client")
	raw, err := pebble.Open(rawDir, &pebble.Options{})
	if err != nil {
		return nil, latencies{}, fmt.Errorf("open raw pebble: %w", err)
	}
	defer closeInto(&err, raw, "raw pebble")
	var rows []row
	var lat latencies
	for _, batch := range []int{1, 10} {
		for _, writers := range []int{1, 8, 64} {
			ours, samples, err := clientAppends(ctx, c, o, writers, batch)
			if err != nil {
				return nil, lat, err
			}
			if writers == 8 && batch == 1 {
				lat = percentiles(samples)
			}
			floor, err := rawAppends(raw, o, writers, batch)
			if err != nil {
				return nil, lat, err
			}
			target := 0.0
			if writers == 64 {
				target = 0.5
			}
			rows = append(rows, row{name: fmt.Sprintf("append %2d writers, %2d events/append", writers, batch), ours: ours, raw: floor, target: target})
		}
	}
	return rows, lat, nil
}

func startClient(ctx context.Context, dir string) (*embedded.Server, *esdb.Client, error) {
	srv, err := embedded.Start(ctx, embedded.Options{DataDir: dir})
	if err != nil {
		return nil, nil, err
	}
	cfg, err := esdb.ParseConnectionString(srv.URL())
	if err != nil {
		_ = srv.Close()
		return nil, nil, fmt.Errorf("parse url: %w", err)
	}
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	if err != nil {
		_ = srv.Close()
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	return srv, c, nil
}

func payload(size int) []byte {
	b := make([]byte, size)
	_, _ = rand.Read(b)
	return b
}

// clientAppends appends for o.duration from writers goroutines, each to
// its own stream, and returns events/s and per-append latencies.
func clientAppends(ctx context.Context, c *esdb.Client, o options, writers, batch int) (float64, []time.Duration, error) {
	data := payload(o.size)
	var total atomic.Int64
	var mu sync.Mutex
	var samples []time.Duration
	var firstErr error
	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	run := uuid.NewString()[:8]
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("bench-%s-%d-%d-%d", run, writers, batch, w)
			var local []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				evs := make([]esdb.EventData, batch)
				for i := range evs {
					evs[i] = esdb.EventData{EventType: "Bench", ContentType: esdb.ContentTypeBinary, Data: data}
				}
				t0 := time.Now()
				if _, err := c.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{}, evs...); err != nil {
					mu.Lock()
					firstErr = fmt.Errorf("append: %w", err)
					mu.Unlock()
					return
				}
				local = append(local, time.Since(t0))
				total.Add(int64(batch))
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds(), samples, firstErr
}

// rawAppends is the floor: writers goroutines each committing a synced
// Pebble batch holding batch values of the same size.
func rawAppends(db *pebble.DB, o options, writers, batch int) (float64, error) {
	data := payload(o.size)
	var total, seq atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				b := db.NewBatch()
				for i := 0; i < batch; i++ {
					_ = b.Set(binary.BigEndian.AppendUint64([]byte("raw"), uint64(seq.Add(1))), data, nil)
				}
				if err := b.Commit(pebble.Sync); err != nil {
					firstErr.Store(err)
					return
				}
				_ = b.Close()
				total.Add(int64(batch))
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return 0, fmt.Errorf("raw commit: %w", err)
	}
	return float64(total.Load()) / time.Since(start).Seconds(), nil
}

func percentiles(samples []time.Duration) latencies {
	if len(samples) == 0 {
		return latencies{}
	}
	slices.Sort(samples)
	at := func(p float64) time.Duration { return samples[int(p*float64(len(samples)-1))] }
	return latencies{p50: at(0.50), p99: at(0.99)}
}

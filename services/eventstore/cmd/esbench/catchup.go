package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/cockroachdb/pebble/v2"
)

// benchCatchUp loads o.events events, times a catch-up subscription to
// $all over all of them, then times raw Pebble iteration over the same
// log records after the server is closed.
func benchCatchUp(ctx context.Context, o options, dir string) (row, error) {
	srv, c, err := startClient(ctx, dir)
	if err != nil {
		return row{}, err
	}
	if err := load(ctx, c, o); err != nil {
		_ = c.Close()
		_ = srv.Close()
		return row{}, err
	}
	ours, err := catchUp(ctx, c, o.events)
	_ = c.Close()
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return row{}, err
	}
	raw, err := rawIterate(dir, o.events)
	if err != nil {
		return row{}, err
	}
	return row{name: fmt.Sprintf("$all catch-up of %d events", o.events), ours: ours, raw: raw, target: 1.0 / 3}, nil
}

// load appends o.events events in batches of 100 from 8 writers.
func load(ctx context.Context, c *esdb.Client, o options) error {
	const writers, batch = 8, 100
	data := payload(o.size)
	perWriter := (o.events + writers - 1) / writers
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < perWriter && done+w*perWriter < o.events; {
				n := min(batch, perWriter-done, o.events-w*perWriter-done)
				evs := make([]esdb.EventData, n)
				for i := range evs {
					evs[i] = esdb.EventData{EventType: "Load", ContentType: esdb.ContentTypeBinary, Data: data}
				}
				if _, err := c.AppendToStream(ctx, fmt.Sprintf("load-%d", w), esdb.AppendToStreamOptions{}, evs...); err != nil {
					errs <- fmt.Errorf("load: %w", err)
					return
				}
				done += n
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func catchUp(ctx context.Context, c *esdb.Client, n int) (_ float64, err error) {
	start := time.Now()
	sub, err := c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: esdb.Start{}})
	if err != nil {
		return 0, fmt.Errorf("subscribe: %w", err)
	}
	defer closeInto(&err, sub, "subscription")
	for got := 0; got < n; {
		ev := sub.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			return 0, fmt.Errorf("subscription dropped after %d events: %w", got, ev.SubscriptionDropped.Error)
		case ev.EventAppeared != nil:
			got++
		case ev.CaughtUp != nil:
			return 0, fmt.Errorf("caught up after %d of %d events", got, n)
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// rawIterate iterates the log records the server wrote, touching every
// key and value.
func rawIterate(dir string, n int) (_ float64, err error) {
	db, err := pebble.Open(dir, &pebble.Options{})
	if err != nil {
		return 0, fmt.Errorf("open raw pebble: %w", err)
	}
	defer closeInto(&err, db, "raw pebble")
	start := time.Now()
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'L'}, UpperBound: []byte{'M'}})
	if err != nil {
		return 0, fmt.Errorf("iterate: %w", err)
	}
	count, bytes := 0, 0
	for valid := it.First(); valid; valid = it.Next() {
		count++
		bytes += len(it.Key()) + len(it.Value())
	}
	if err := it.Close(); err != nil {
		return 0, fmt.Errorf("iterate: %w", err)
	}
	if count < n {
		return 0, errors.New("raw iteration found fewer events than were loaded")
	}
	return float64(count) / time.Since(start).Seconds(), nil
}

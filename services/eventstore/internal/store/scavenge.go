package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// ScavengeResult is what one scavenge removed.
type ScavengeResult struct {
	// EventsRemoved is the number of event records deleted, each with its
	// stream-index and event-ID entries.
	EventsRemoved int64
	// RecordBytesRemoved is the size of those records (data, metadata,
	// type, stream name) as they were stored.
	RecordBytesRemoved int64
	// DiskBytesBefore and DiskBytesAfter are the storage engine's files
	// (tables, write-ahead log, manifest) before and after; compaction may
	// also rewrite live data, so the difference is not exactly the records.
	DiskBytesBefore, DiskBytesAfter uint64
	// Duration is how long the scavenge took.
	Duration time.Duration
}

// scavengeBatchEvents bounds the events one deletion batch removes.
const scavengeBatchEvents = 4096

// Scavenge physically removes every event no reader can read any more:
// all events of tombstoned and soft-deleted streams, events before a
// stream's $tb, beyond its $maxCount, older than its $maxAge (by the
// store's clock), metadata events older than a stream's last one, and the
// metadata of tombstoned streams. It keeps each stream's state (last
// revision, tombstone, metadata), the tombstone events and each stream's
// last metadata event; positions of remaining events do not change.
//
// It then flushes and compacts the whole keyspace (unless nothing was
// deleted since the last complete compaction) and waits until the storage
// engine has deleted every file that held removed bytes (the write-ahead
// log is never recycled: see unrecycledCleaner), so the data leaves the
// disk, not just the reads. It runs alongside reads, writes and
// subscriptions; one scavenge runs at a time (a second waits). Close
// interrupts it; every deletion batch is atomic, so an interrupted or
// crashed scavenge leaves a consistent store and the next one finishes
// the job. Streams whose metadata changes while it runs are scavenged by
// the metadata it read at its start.
func (s *Store) Scavenge(ctx context.Context) (ScavengeResult, error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ScavengeResult{}, ErrClosed
	}
	s.scavenges.Add(1)
	s.mu.RUnlock()
	defer s.scavenges.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	unhook := context.AfterFunc(s.stop, cancel) //nolint:contextcheck // not a new context: Close (s.stop) also cancels ctx
	defer unhook()

	s.scavengeMu.Lock()
	defer s.scavengeMu.Unlock()
	began := time.Now()
	res := ScavengeResult{DiskBytesBefore: s.db.Metrics().DiskSpaceUsage()}
	if err := s.removeUnreadable(ctx, &res); err != nil {
		return res, s.scavengeErr(err)
	}
	if err := s.compactIfPending(ctx); err != nil {
		return res, s.scavengeErr(err)
	}
	res.DiskBytesAfter = s.db.Metrics().DiskSpaceUsage()
	res.Duration = time.Since(began)
	return res, nil
}

// scavengeErr reports an interruption by Close as ErrClosed.
func (s *Store) scavengeErr(err error) error {
	if s.stop.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("scavenge: %w", ErrClosed)
	}
	return fmt.Errorf("scavenge: %w", err)
}

// removeUnreadable deletes, batch by batch, the records every stream's
// state (as of a snapshot) makes unreadable.
func (s *Store) removeUnreadable(ctx context.Context, res *ScavengeResult) (err error) {
	snap := s.db.NewSnapshot()
	defer closeInto(&err, snap, "scavenge snapshot")
	sw := &sweeper{s: s, snap: snap, res: res, durable: s.hub.lastPosition(), now: ticks(s.now())}
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: []byte{tableState}, UpperBound: []byte{tableState + 1}})
	if err != nil {
		return fmt.Errorf("list streams: %w", err)
	}
	defer closeInto(&err, it, "stream state iterator")
	for valid := it.First(); valid; valid = it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := decodeState(it.Value())
		if err != nil {
			return err
		}
		if err := sw.sweepStream(string(it.Key()[1:]), st); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("list streams: %w", err)
	}
	return sw.commit()
}

// compactIfPending compacts when deletions (this scavenge's, or those of
// one interrupted before its compaction) may still be in the files, then
// records that none are.
func (s *Store) compactIfPending(ctx context.Context) error {
	_, closer, err := s.db.Get(pendingKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil // nothing deleted since the last complete compaction
	}
	if err != nil {
		return fmt.Errorf("read scavenge state: %w", err)
	}
	if err := closer.Close(); err != nil {
		return fmt.Errorf("read scavenge state: %w", err)
	}
	if err := s.compactAll(ctx); err != nil {
		return err
	}
	if err := s.db.Delete(pendingKey, pebble.Sync); err != nil {
		return fmt.Errorf("record scavenge state: %w", err)
	}
	return nil
}

// compactAll makes the deletions physical: the memtables go to tables,
// every level is compacted down (dropping deleted values and their
// tombstones), and the obsolete files, old write-ahead logs included, are
// deleted before it returns.
func (s *Store) compactAll(ctx context.Context) error {
	if err := s.db.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	if err := s.db.Compact(ctx, []byte{0}, []byte{0xff}, true); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return s.awaitObsoleteFiles(ctx)
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

type opKind int

const (
	opAppend opKind = iota
	opDelete
	opTombstone
)

// writeOp is one client write waiting for the committer.
type writeOp struct {
	ctx    context.Context
	kind   opKind
	stream string
	exp    Expected
	events []ProposedEvent

	result WriteResult
	err    error
	done   chan struct{}
}

// Group commit limits: a batch never holds more than this many writes or
// (approximately) bytes, so one slow sync cannot grow without bound.
const (
	maxBatchWrites = 1024
	maxBatchBytes  = 32 << 20
)

// Append appends events to stream if exp holds, idempotently by event ID,
// and returns once the events are durable.
func (s *Store) Append(ctx context.Context, stream string, exp Expected, events []ProposedEvent) (WriteResult, error) {
	return s.submit(ctx, &writeOp{kind: opAppend, stream: stream, exp: exp, events: events})
}

// Delete soft-deletes stream: it reads as not found until written again,
// and then continues from the next revision.
func (s *Store) Delete(ctx context.Context, stream string, exp Expected) (WriteResult, error) {
	return s.submit(ctx, &writeOp{kind: opDelete, stream: stream, exp: exp})
}

// Tombstone hard-deletes stream forever.
func (s *Store) Tombstone(ctx context.Context, stream string, exp Expected) (WriteResult, error) {
	return s.submit(ctx, &writeOp{kind: opTombstone, stream: stream, exp: exp})
}

func (s *Store) submit(ctx context.Context, op *writeOp) (WriteResult, error) {
	op.ctx = ctx
	op.done = make(chan struct{})
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return WriteResult{}, ErrClosed
	}
	select {
	case s.ops <- op:
	case <-ctx.Done():
		s.mu.RUnlock()
		return WriteResult{}, fmt.Errorf("queue write: %w", ctx.Err())
	}
	s.mu.RUnlock()
	// Once queued, the write is decided by the committer: wait for it so
	// the caller never reports failure for a write that became durable.
	<-op.done
	return op.result, op.err
}

// maxInFlight bounds the groups applied to Pebble but not yet synced.
const maxInFlight = 8

// inFlight is one group applied to Pebble (visible to the committer's next
// decisions) and waiting for its WAL sync before anyone is answered.
type inFlight struct {
	ops     []*writeOp
	t       *tx // nil when nothing was applied
	applied time.Time
}

// commitLoop decides each group in order and applies it without waiting
// for its sync, so the next group is decided and queued for the same or
// the next WAL sync while this one syncs (Pebble syncs everything pending
// at once). syncLoop answers the groups in order once durable.
func (s *Store) commitLoop() {
	defer close(s.done)
	queue := make(chan *inFlight, maxInFlight)
	synced := make(chan struct{})
	go s.syncLoop(queue, synced)
	for op := range s.ops {
		batch := []*writeOp{op}
		size := opBytes(op)
	gather:
		for len(batch) < maxBatchWrites && size < maxBatchBytes {
			select {
			case next, ok := <-s.ops:
				if !ok {
					break gather
				}
				batch = append(batch, next)
				size += opBytes(next)
			default:
				break gather
			}
		}
		queue <- s.prepare(batch)
	}
	close(queue)
	<-synced
}

func opBytes(op *writeOp) int {
	n := 0
	for i := range op.events {
		n += len(op.events[i].Data) + len(op.events[i].Metadata)
	}
	return n
}

// prepare decides every write of the group against the stream states and
// applies the successful ones to Pebble as one batch whose sync is awaited
// by syncLoop.
func (s *Store) prepare(ops []*writeOp) *inFlight {
	f := &inFlight{ops: ops}
	if err := s.brokenErr(); err != nil {
		failOps(ops, err)
		return f
	}
	t := s.newTx()
	for _, op := range ops {
		if err := op.ctx.Err(); err != nil {
			op.err = fmt.Errorf("write abandoned before commit: %w", err)
			continue
		}
		if err := t.apply(op); err != nil {
			s.discard(t, ops, err)
			return f
		}
	}
	if t.b.Empty() {
		_ = t.b.Close()
		return f
	}
	f.applied = time.Now()
	if err := s.db.ApplyNoSyncWait(t.b, pebble.Sync); err != nil {
		s.discard(t, ops, fmt.Errorf("apply batch: %w", err))
		return f
	}
	s.nextPos, s.nextSID = t.nextPos, t.nextSID
	s.cacheStates(t.states)
	f.t = t
	return f
}

// discard drops a batch that could not be applied and forgets cached
// state that may describe it.
func (s *Store) discard(t *tx, ops []*writeOp, err error) {
	_ = t.b.Close()
	failOps(ops, err)
	clear(s.states)
}

// syncLoop waits for each applied group's WAL sync, in order, then
// publishes its events to subscribers and answers its writers. Groups with
// nothing to sync are answered in the same order, so a retry is never
// acknowledged before the write it repeats is durable.
func (s *Store) syncLoop(queue <-chan *inFlight, done chan<- struct{}) {
	defer close(done)
	for f := range queue {
		s.finish(f)
	}
}

func (s *Store) finish(f *inFlight) {
	defer func() {
		for _, op := range f.ops {
			close(op.done)
		}
	}()
	if f.t == nil {
		return
	}
	// The group's outcome is settled by SyncWait below; closing the batch
	// only releases its memory, so a Close error could not change any
	// writer's answer.
	defer func() { _ = f.t.b.Close() }()
	if err := f.t.b.SyncWait(); err != nil {
		err = fmt.Errorf("sync batch: %w", err)
		s.broken.CompareAndSwap(nil, &err)
		failOps(f.ops, err)
		return
	}
	elapsed := time.Since(f.applied)
	if len(f.t.events) > 0 {
		s.hub.publish(f.t.events)
	}
	if s.obs != nil {
		s.obs.ObserveCommit(len(f.ops), len(f.t.events), f.t.bytes, elapsed)
	}
}

// failOps fails every write of a group that did not already fail on its
// own.
func failOps(ops []*writeOp, err error) {
	for _, op := range ops {
		if op.err == nil {
			op.err = err
			op.result = WriteResult{}
		}
	}
}

// brokenErr is the sync failure that stopped the store, if any: once a WAL
// sync fails, no later write can be trusted and every write fails.
func (s *Store) brokenErr() error {
	if p := s.broken.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *Store) cacheStates(states map[string]*streamState) {
	if len(s.states)+len(states) > maxCachedStates {
		clear(s.states)
	}
	for name, st := range states {
		s.states[name] = st
	}
}

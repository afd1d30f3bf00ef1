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

func (s *Store) commitLoop() {
	defer close(s.done)
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
		s.commit(batch)
	}
}

func opBytes(op *writeOp) int {
	n := 0
	for i := range op.events {
		n += len(op.events[i].Data) + len(op.events[i].Metadata)
	}
	return n
}

// commit applies every write of the group to one batch, syncs it once,
// then answers the writers and feeds the subscribers.
func (s *Store) commit(ops []*writeOp) {
	defer func() {
		for _, op := range ops {
			close(op.done)
		}
	}()
	t := s.newTx()
	defer t.b.Close()
	for _, op := range ops {
		if err := op.ctx.Err(); err != nil {
			op.err = fmt.Errorf("write abandoned before commit: %w", err)
			continue
		}
		if err := t.apply(op); err != nil {
			s.failAll(ops, err)
			return
		}
	}
	if len(t.events) == 0 && t.b.Empty() {
		return
	}
	start := time.Now()
	if err := t.b.Commit(pebble.Sync); err != nil {
		s.failAll(ops, fmt.Errorf("sync batch: %w", err))
		return
	}
	elapsed := time.Since(start)
	s.nextPos, s.nextSID = t.nextPos, t.nextSID
	s.cacheStates(t.states)
	if len(t.events) > 0 {
		s.hub.publish(t.events)
	}
	if s.obs != nil {
		s.obs.ObserveCommit(len(ops), len(t.events), t.bytes, elapsed)
	}
}

// failAll fails every write of a group that did not already fail on its
// own, and forgets cached state that may describe the discarded batch.
func (s *Store) failAll(ops []*writeOp, err error) {
	for _, op := range ops {
		if op.err == nil {
			op.err = err
			op.result = WriteResult{}
		}
	}
	clear(s.states)
}

func (s *Store) cacheStates(states map[string]*streamState) {
	if len(s.states)+len(states) > maxCachedStates {
		clear(s.states)
	}
	for name, st := range states {
		s.states[name] = st
	}
}

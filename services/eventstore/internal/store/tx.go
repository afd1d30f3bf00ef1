package store

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// tx is the committer's view of one group-commit batch: the Pebble batch
// being built plus the stream states it changes. Nothing in it is visible
// to anyone until the batch is synced.
type tx struct {
	s       *Store
	b       *pebble.Batch
	states  map[string]*streamState
	events  []*Event
	nextPos uint64
	nextSID uint64
	created int64
	bytes   int
}

func (s *Store) newTx() *tx {
	return &tx{
		s: s, b: s.db.NewIndexedBatch(), states: map[string]*streamState{},
		nextPos: s.nextPos, nextSID: s.nextSID, created: ticks(s.now()),
	}
}

// state returns a private copy of the stream's state, nil when the stream
// has never been written.
func (t *tx) state(stream string) (_ *streamState, err error) {
	if st, ok := t.states[stream]; ok {
		return st, nil
	}
	if st, ok := t.s.states[stream]; ok {
		cp := *st
		t.states[stream] = &cp
		return &cp, nil
	}
	v, closer, err := t.b.Get(stateKey(stream))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fatalf("read state of %q: %w", stream, err)
	}
	defer closeFatalInto(&err, closer, "stream state")
	st, err := decodeState(v)
	if err != nil {
		return nil, fatalf("state of %q: %w", stream, err)
	}
	t.states[stream] = st
	return st, nil
}

// create makes a new, empty stream.
func (t *tx) create(stream string) *streamState {
	st := &streamState{id: t.nextSID, last: noRevision, meta: unsetMeta()}
	t.nextSID++
	t.states[stream] = st
	_ = t.b.Set(nextStreamIDKey, u64(t.nextSID), nil)
	return st
}

func (t *tx) ensure(stream string) (*streamState, error) {
	st, err := t.state(stream)
	if err != nil || st != nil {
		return st, err
	}
	return t.create(stream), nil
}

func (t *tx) putState(stream string, st *streamState) {
	t.states[stream] = st
	_ = t.b.Set(stateKey(stream), st.encode(), nil)
}

// apply decides one write and, when it succeeds, adds it to the batch.
// Decisions (wrong version, deleted) are stored on the op; the returned
// error is reserved for storage failures that doom the whole batch.
func (t *tx) apply(op *writeOp) error {
	var err error
	switch op.kind {
	case opAppend:
		op.result, err = t.append(op.stream, op.exp, op.events)
	case opDelete:
		op.result, err = t.softDelete(op.stream, op.exp)
	case opTombstone:
		op.result, err = t.tombstone(op.stream, op.exp)
	}
	var fatal *storageError
	if errors.As(err, &fatal) {
		return fatal
	}
	op.err = err
	return nil
}

// storageError marks an I/O failure (as opposed to a client-facing decision).
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }

func (e *storageError) Unwrap() error { return e.err }

func fatalf(format string, args ...any) error {
	return &storageError{err: fmt.Errorf(format, args...)}
}

// writeEvent adds one event to the log, the stream's index and the dedupe
// table, and advances the stream.
func (t *tx) writeEvent(stream string, st *streamState, rev uint64, pe *ProposedEvent) *Event {
	ev := &Event{
		Stream: stream, Revision: rev, Position: t.nextPos, ID: pe.ID,
		Type: pe.Type, ContentType: pe.ContentType, Created: t.created,
		Data: pe.Data, Metadata: pe.Metadata,
	}
	t.nextPos++
	rec := encodeEvent(ev)
	t.bytes += len(rec)
	_ = t.b.Set(logKey(ev.Position), rec, nil)
	if rev != deletedStream {
		_ = t.b.Set(indexKey(st.id, rev), u64(ev.Position), nil)
		_ = t.b.Set(dedupeKey(st.id, pe.ID), u64(rev), nil)
		st.last = int64(rev)
	}
	t.events = append(t.events, ev)
	return ev
}

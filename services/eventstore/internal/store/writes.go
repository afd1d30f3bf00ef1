package store

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

var softDeleteMetadata = []byte(fmt.Sprintf(`{"%s":%d}`, metaTruncateBefore, int64(deletedStream)))

func (t *tx) append(stream string, exp Expected, events []ProposedEvent) (WriteResult, error) {
	st, err := t.state(stream)
	if err != nil {
		return WriteResult{}, err
	}
	ids := make([][16]byte, len(events))
	for i := range events {
		ids[i] = events[i].ID
	}
	r, err := t.check(stream, st, exp, ids)
	if err != nil {
		return WriteResult{}, err
	}
	if res, done, err := t.decided(stream, st, exp, r); done {
		return res, err
	}
	origSoftDeleted, err := t.originalSoftDeleted(stream)
	if err != nil {
		return WriteResult{}, err
	}
	if len(events) == 0 {
		return WriteResult{Revision: r.cur}, nil
	}
	if st == nil {
		st = t.create(stream)
	}
	var last *Event
	for i := range events {
		last = t.writeEvent(stream, st, uint64(st.last+1), &events[i])
	}
	t.putState(stream, st)
	if err := t.afterAppend(stream, last, r, origSoftDeleted); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{Revision: st.last, Position: last.Position}, nil
}

// decided turns a non-OK check into the write's answer.
func (t *tx) decided(stream string, st *streamState, exp Expected, r checkResult) (WriteResult, bool, error) {
	switch r.dec {
	case decDeleted:
		return WriteResult{}, true, &StreamError{Stream: stream, Err: ErrStreamDeleted}
	case decWrongVersion:
		return WriteResult{}, true, &WrongExpectedVersionError{Stream: stream, Expected: exp, Current: r.cur}
	case decIdempotent:
		pos, err := t.positionOf(st, r.end)
		return WriteResult{Revision: r.end, Position: pos}, true, err
	default:
		return WriteResult{}, false, nil
	}
}

// afterAppend keeps stream metadata in step: a metadata write updates the
// original stream, and writing to a soft-deleted stream (or its metadata)
// recreates it from the next revision, as the real server does.
func (t *tx) afterAppend(stream string, last *Event, r checkResult, origSoftDeleted bool) error {
	if isMetastream(stream) {
		orig := originalStreamOf(stream)
		if err := t.applyMeta(orig, last.Data); err != nil {
			return err
		}
		if origSoftDeleted {
			ost, err := t.state(orig)
			if err != nil {
				return err
			}
			return t.undelete(orig, ost.last+1)
		}
	}
	if r.softDeleted {
		return t.undelete(stream, r.cur+1)
	}
	return nil
}

func (t *tx) originalSoftDeleted(stream string) (bool, error) {
	if !isMetastream(stream) {
		return false, nil
	}
	orig, err := t.state(originalStreamOf(stream))
	return orig != nil && orig.softDeleted(), err
}

func (t *tx) softDelete(stream string, exp Expected) (WriteResult, error) {
	st, err := t.state(stream)
	if err != nil {
		return WriteResult{}, err
	}
	r, err := t.check(stream, st, exp, [][16]byte{newEventID()})
	if err != nil {
		return WriteResult{}, err
	}
	if res, done, err := t.decided(stream, st, exp, r); done {
		return res, err
	}
	ms, err := t.state(metastreamOf(stream))
	if err != nil {
		return WriteResult{}, err
	}
	if r.cur < 0 && (ms == nil || ms.last < 0) {
		return WriteResult{}, &WrongExpectedVersionError{Stream: stream, Expected: exp, Current: noRevision}
	}
	ev, err := t.writeMetadata(stream, softDeleteMetadata)
	if err != nil {
		return WriteResult{}, err
	}
	return WriteResult{Revision: r.cur, Position: ev.Position}, nil
}

func (t *tx) tombstone(stream string, exp Expected) (WriteResult, error) {
	st, err := t.state(stream)
	if err != nil {
		return WriteResult{}, err
	}
	r, err := t.check(stream, st, exp, [][16]byte{newEventID()})
	if err != nil {
		return WriteResult{}, err
	}
	if res, done, err := t.decided(stream, st, exp, r); done {
		return res, err
	}
	if st == nil {
		st = t.create(stream)
	}
	ev := t.writeEvent(stream, st, deletedStream, &ProposedEvent{
		ID: newEventID(), Type: tombstoneEventType, ContentType: "application/octet-stream",
		Data: []byte{}, Metadata: []byte{},
	})
	st.tombstoned = true
	t.putState(stream, st)
	return WriteResult{Revision: r.cur, Position: ev.Position}, nil
}

// writeMetadata appends a metadata event for stream and applies it.
func (t *tx) writeMetadata(stream string, data []byte) (*Event, error) {
	meta := metastreamOf(stream)
	ms, err := t.ensure(meta)
	if err != nil {
		return nil, err
	}
	ev := t.writeEvent(meta, ms, uint64(ms.last+1), &ProposedEvent{
		ID: newEventID(), Type: metadataEventType, ContentType: "application/json",
		Data: data, Metadata: []byte{},
	})
	t.putState(meta, ms)
	return ev, t.applyMeta(stream, data)
}

func (t *tx) applyMeta(stream string, data []byte) error {
	st, err := t.ensure(stream)
	if err != nil {
		return err
	}
	st.meta = parseStreamMeta(data)
	t.putState(stream, st)
	return nil
}

// undelete recreates a soft-deleted stream: its metadata is kept with
// $tb moved to the first revision of the recreated stream.
func (t *tx) undelete(stream string, from int64) error {
	raw, err := t.lastMetadata(stream)
	if err != nil {
		return err
	}
	data, ok := withTruncateBefore(raw, from)
	if !ok {
		return nil
	}
	_, err = t.writeMetadata(stream, data)
	return err
}

func (t *tx) lastMetadata(stream string) ([]byte, error) {
	ms, err := t.state(metastreamOf(stream))
	if err != nil || ms == nil || ms.last < 0 {
		return nil, err
	}
	ev, err := t.eventAt(ms, ms.last)
	if err != nil {
		return nil, err
	}
	return ev.Data, nil
}

func (t *tx) positionOf(st *streamState, rev int64) (_ uint64, err error) {
	v, closer, err := t.b.Get(indexKey(st.id, uint64(rev)))
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fatalf("read index: %w", err)
	}
	defer closeFatalInto(&err, closer, "index entry")
	return decodeU64(v), nil
}

func (t *tx) eventAt(st *streamState, rev int64) (_ *Event, err error) {
	pos, err := t.positionOf(st, rev)
	if err != nil {
		return nil, err
	}
	v, closer, err := t.b.Get(logKey(pos))
	if err != nil {
		return nil, fatalf("read event at %d: %w", pos, err)
	}
	defer closeFatalInto(&err, closer, "event")
	return decodeEvent(pos, v)
}

// newEventID returns a random (version 4) UUID for server-written events.
func newEventID() [16]byte {
	var id [16]byte
	_, _ = rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

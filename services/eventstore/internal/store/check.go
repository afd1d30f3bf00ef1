package store

import (
	"errors"

	"github.com/cockroachdb/pebble/v2"
)

// decision is the outcome of an optimistic concurrency check, following
// the real server's commit check (IndexWriter.CheckCommit).
type decision int

const (
	decOK decision = iota
	decIdempotent
	decWrongVersion
	decDeleted
)

type checkResult struct {
	dec         decision
	cur         int64 // current revision, noRevision for none
	end         int64 // last revision of an idempotent write
	softDeleted bool  // the write recreates a soft-deleted stream
}

// check decides whether a write of events with ids to a stream in state st
// (nil: never written) may go ahead, is a retry of an earlier write
// (idempotent), or conflicts.
func (t *tx) check(stream string, st *streamState, exp Expected, ids [][16]byte) (checkResult, error) {
	cur := noRevision
	if st != nil {
		cur = st.last
	}
	r := checkResult{cur: cur}
	deleted, err := t.deleted(stream, st)
	if err != nil || deleted {
		r.dec = decDeleted
		return r, err
	}
	soft := st != nil && st.softDeleted()
	if exp.Kind == ExpectStreamExists {
		if soft {
			r.dec = decDeleted
			return r, nil
		}
		if cur < 0 {
			meta, err := t.state(metastreamOf(stream))
			if err != nil {
				return r, err
			}
			if meta == nil || meta.last < 0 {
				r.dec = decWrongVersion
				return r, nil
			}
		}
	}
	if exp.Kind == ExpectAny || exp.Kind == ExpectStreamExists {
		return t.checkAnyIdempotency(st, ids, r)
	}
	want := exp.version()
	switch {
	case want < cur:
		return t.checkRetry(st, exp, ids, r)
	case want > cur:
		r.dec = decWrongVersion
	default:
		r.softDeleted = soft
	}
	return r, nil
}

// deleted reports whether the stream (or, for a metastream, its original
// stream) is tombstoned.
func (t *tx) deleted(stream string, st *streamState) (bool, error) {
	if st != nil && st.tombstoned {
		return true, nil
	}
	if !isMetastream(stream) {
		return false, nil
	}
	orig, err := t.state(originalStreamOf(stream))
	return orig != nil && orig.tombstoned, err
}

// checkAnyIdempotency: with Any or StreamExists, a write whose events are
// all already in the stream is a retry; one that is partly there conflicts.
func (t *tx) checkAnyIdempotency(st *streamState, ids [][16]byte, r checkResult) (checkResult, error) {
	for i, id := range ids {
		rev, found, err := t.dedupe(st, id)
		if err != nil {
			return r, err
		}
		if !found {
			if i == 0 {
				r.softDeleted = st != nil && st.softDeleted()
				return r, nil
			}
			r.dec = decWrongVersion // corrupted idempotency
			return r, nil
		}
		r.end = int64(rev)
	}
	if len(ids) > 0 {
		r.dec = decIdempotent
	}
	return r, nil
}

// checkRetry: the expected revision is behind the stream. The write is a
// retry when its events sit exactly after the expected revision.
func (t *tx) checkRetry(st *streamState, exp Expected, ids [][16]byte, r checkResult) (checkResult, error) {
	want := exp.version()
	rev := want
	for _, id := range ids {
		rev++
		got, found, err := t.dedupe(st, id)
		if err != nil {
			return r, err
		}
		if found && int64(got) == rev {
			continue
		}
		if rev != want+1 {
			r.dec = decWrongVersion // corrupted idempotency
			return r, nil
		}
		if exp.Kind == ExpectNoStream && st.softDeleted() {
			r.softDeleted = true
			return r, nil
		}
		r.dec = decWrongVersion
		return r, nil
	}
	if rev == want {
		r.dec = decWrongVersion
		return r, nil
	}
	r.dec, r.end = decIdempotent, rev
	return r, nil
}

func (t *tx) dedupe(st *streamState, id [16]byte) (_ uint64, _ bool, err error) {
	if st == nil {
		return 0, false, nil
	}
	v, closer, err := t.b.Get(dedupeKey(st.id, id))
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fatalf("read event id: %w", err)
	}
	defer closeFatalInto(&err, closer, "event id")
	return decodeU64(v), true, nil
}

package store

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// sweeper plans a scavenge from a snapshot and deletes from the live
// store in atomic batches. Deleting what the snapshot shows is safe while
// writes go on: positions are never reused, revisions of a stream only
// grow, and an event ID's entry cannot be written again while it exists.
type sweeper struct {
	s       *Store
	snap    *pebble.Snapshot
	res     *ScavengeResult
	durable uint64 // events above it are not yet synced: left alone
	now     int64  // ticks of the scavenge's clock

	b      *pebble.Batch
	events int
}

// sweepPlan is what goes of one stream: every revision below below, and
// from below on every event created before cutoff (0: none).
type sweepPlan struct {
	below  int64
	cutoff int64
}

func (sw *sweeper) plan(stream string, st *streamState) (sweepPlan, error) {
	if isMetastream(stream) {
		orig, err := sw.stateOf(originalStreamOf(stream))
		if err != nil {
			return sweepPlan{}, err
		}
		if orig != nil && orig.tombstoned {
			return sweepPlan{below: st.last + 1}, nil
		}
		// Only the last metadata event counts (and is read back when a
		// soft-deleted stream is recreated): it always stays.
		lo, _ := sw.s.visibleRange(stream, st)
		return sweepPlan{below: min(lo, st.last)}, nil
	}
	if st.tombstoned || st.softDeleted() {
		return sweepPlan{below: st.last + 1}, nil
	}
	lo, _ := sw.s.visibleRange(stream, st)
	p := sweepPlan{below: lo}
	if st.meta.maxAgeSeconds > 0 {
		p.cutoff = sw.now - st.meta.maxAgeSeconds*10_000_000
	}
	return p, nil
}

// sweepStream deletes the stream's unreadable events.
func (sw *sweeper) sweepStream(stream string, st *streamState) (err error) {
	if st.last < 0 {
		return nil
	}
	p, err := sw.plan(stream, st)
	if err != nil || (p.below <= 0 && p.cutoff == 0) {
		return err
	}
	upper := p.below
	if p.cutoff != 0 {
		upper = st.last + 1
	}
	it, err := sw.snap.NewIter(&pebble.IterOptions{LowerBound: indexKey(st.id, 0), UpperBound: indexKey(st.id, uint64(upper))})
	if err != nil {
		return fmt.Errorf("read stream index: %w", err)
	}
	defer closeInto(&err, it, "stream index iterator")
	for valid := it.First(); valid; valid = it.Next() {
		if err := sw.sweepEvent(st, it.Key(), decodeU64(it.Value()), p); err != nil {
			return err
		}
	}
	return it.Error()
}

// sweepEvent deletes one event if the plan says so: its record, its index
// entry and its event-ID entry.
func (sw *sweeper) sweepEvent(st *streamState, key []byte, pos uint64, p sweepPlan) error {
	if pos > sw.durable {
		return nil
	}
	rev := int64(decodeU64(key[9:]))
	rec, err := sw.get(logKey(pos))
	if err != nil {
		return err
	}
	var ev *Event
	if rec != nil {
		if ev, err = decodeEvent(pos, rec); err != nil {
			return err
		}
	}
	if ev == nil { // an index entry without its record: nothing to read
		_ = sw.batch().Delete(key, nil)
		return nil
	}
	if rev >= p.below && ev.Created >= p.cutoff {
		return nil
	}
	b := sw.batch()
	_ = b.Delete(key, nil)
	_ = b.Delete(logKey(pos), nil)
	dk := dedupeKey(st.id, ev.ID)
	if v, err := sw.get(dk); err != nil {
		return err
	} else if v != nil && decodeU64(v) == uint64(rev) {
		_ = b.Delete(dk, nil)
	}
	sw.res.EventsRemoved++
	sw.res.RecordBytesRemoved += int64(len(rec))
	sw.events++
	if sw.events >= scavengeBatchEvents {
		return sw.commit()
	}
	return nil
}

func (sw *sweeper) batch() *pebble.Batch {
	if sw.b == nil {
		sw.b = sw.s.db.NewBatch()
	}
	return sw.b
}

// commit applies the pending deletions, durably and atomically, with the
// highest position seen, so a restart never gives out a removed position
// again.
func (sw *sweeper) commit() error {
	if sw.b == nil {
		return nil
	}
	b := sw.b
	sw.b, sw.events = nil, 0
	_ = b.Set(lastPositionKey, u64(sw.durable), nil)
	_ = b.Set(pendingKey, nil, nil)
	if err := sw.s.db.Apply(b, pebble.Sync); err != nil {
		_ = b.Close()
		return fmt.Errorf("apply deletions: %w", err)
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("apply deletions: %w", err)
	}
	return nil
}

// get reads key from the snapshot: a copy of the value, nil when absent.
func (sw *sweeper) get(key []byte) (_ []byte, err error) {
	v, closer, err := sw.snap.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %x: %w", key[:1], err)
	}
	defer closeInto(&err, closer, "value")
	return cloneBytes(v), nil
}

func (sw *sweeper) stateOf(stream string) (*streamState, error) {
	v, err := sw.get(stateKey(stream))
	if err != nil || v == nil {
		return nil, err
	}
	return decodeState(v)
}

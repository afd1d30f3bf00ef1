package store

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Direction is the direction of a read.
type Direction int

// Read directions.
const (
	Forwards Direction = iota
	Backwards
)

// FromKind says where a read or subscription starts.
type FromKind int

// Start points.
const (
	FromStart FromKind = iota
	FromEnd
	FromExact // a revision or a position
)

// maxPageBytes bounds the data one read call returns (at least one event
// is always returned), so a page of large events cannot take unbounded
// memory. A page may therefore be shorter than asked for: readers go on
// until a read returns no event.
const maxPageBytes = 4 << 20

// StreamFrom is where a stream read starts (inclusive).
type StreamFrom struct {
	Kind     FromKind
	Revision uint64
}

// AllFrom is where a $all read starts: forwards includes the event at
// Position, backwards starts just before it.
type AllFrom struct {
	Kind     FromKind
	Position uint64
}

// ReadStream returns up to limit visible events of stream (fewer when
// they exceed maxPageBytes). It fails with
// ErrStreamNotFound for missing or soft-deleted streams and with
// ErrStreamDeleted for tombstoned ones (both wrapped in *StreamError).
func (s *Store) ReadStream(stream string, dir Direction, from StreamFrom, limit int) ([]*Event, error) {
	st, err := s.visibleState(stream)
	if err != nil {
		return nil, err
	}
	lo, hi := s.visibleRange(stream, st)
	start, ok := streamStart(dir, from, lo, hi)
	if !ok || limit <= 0 {
		return nil, nil
	}
	var cutoff int64
	if st.meta.maxAgeSeconds > 0 {
		cutoff = ticks(s.now()) - st.meta.maxAgeSeconds*10_000_000
	}
	return s.scanStream(st.id, dir, start, lo, hi, limit, cutoff, s.hub.lastPosition())
}

func (s *Store) visibleState(stream string) (*streamState, error) {
	st, err := s.readState(stream)
	if err != nil {
		return nil, err
	}
	switch {
	case st != nil && st.tombstoned:
		return nil, &StreamError{Stream: stream, Err: ErrStreamDeleted}
	case st == nil || st.last < 0 || st.softDeleted():
		return nil, &StreamError{Stream: stream, Err: ErrStreamNotFound}
	}
	return st, nil
}

// visibleRange is the revisions not truncated by $tb or $maxCount.
// Metadata streams keep only their last event, as on the real server.
func (s *Store) visibleRange(stream string, st *streamState) (int64, int64) {
	lo := int64(0)
	if st.meta.truncateBefore > lo {
		lo = st.meta.truncateBefore
	}
	maxCount := st.meta.maxCount
	if maxCount < 0 && isMetastream(stream) {
		maxCount = 1
	}
	if maxCount > 0 && st.last-maxCount+1 > lo {
		lo = st.last - maxCount + 1
	}
	return lo, st.last
}

func streamStart(dir Direction, from StreamFrom, lo, hi int64) (int64, bool) {
	var start int64
	switch {
	case from.Kind == FromStart:
		start = 0
		if dir == Forwards {
			start = lo
		}
	case from.Kind == FromEnd:
		start = hi
		if dir == Forwards {
			return 0, false
		}
	case from.Revision > uint64(hi):
		if dir == Forwards {
			return 0, false
		}
		start = hi
	default:
		start = int64(from.Revision)
	}
	if dir == Forwards && start < lo {
		start = lo
	}
	return start, start >= lo && start <= hi
}

// scanStream reads the index range, skipping events above the durable
// position: Pebble shows a batch before its WAL sync completes, and no
// reader may see an event that a crash could still take back.
func (s *Store) scanStream(id uint64, dir Direction, start, lo, hi int64, limit int, cutoff int64, durable uint64) (_ []*Event, err error) {
	opts := &pebble.IterOptions{LowerBound: indexKey(id, uint64(lo)), UpperBound: indexKey(id, uint64(hi)+1)}
	if dir == Forwards {
		opts.LowerBound = indexKey(id, uint64(start))
	} else {
		opts.UpperBound = indexKey(id, uint64(start)+1)
	}
	it, err := s.db.NewIter(opts)
	if err != nil {
		return nil, fmt.Errorf("read stream index: %w", err)
	}
	defer closeInto(&err, it, "stream index iterator")
	var out []*Event
	valid := it.First()
	next := it.Next
	if dir == Backwards {
		valid, next = it.Last(), it.Prev
	}
	for size := 0; valid && len(out) < limit && size < maxPageBytes; valid = next() {
		pos := decodeU64(it.Value())
		if pos > durable {
			if dir == Forwards {
				break
			}
			continue
		}
		ev, err := s.eventAt(pos)
		if errors.Is(err, pebble.ErrNotFound) {
			continue // removed by a scavenge since the iterator was opened
		}
		if err != nil {
			return nil, err
		}
		if ev.Created >= cutoff {
			out = append(out, ev)
			size += len(ev.Data) + len(ev.Metadata)
		}
	}
	return out, it.Error()
}

// ReadAll returns up to limit durable events of the global log (fewer
// when they exceed maxPageBytes).
func (s *Store) ReadAll(dir Direction, from AllFrom, limit int) (_ []*Event, err error) {
	end := s.hub.lastPosition() + 1 // first position not yet durable
	opts := &pebble.IterOptions{LowerBound: []byte{tableLog}, UpperBound: logKey(end)}
	switch {
	case from.Kind == FromEnd && dir == Forwards:
		return nil, nil
	case from.Kind == FromStart && dir == Backwards:
		return nil, nil
	case from.Kind == FromExact && dir == Forwards:
		if from.Position >= end {
			return nil, nil
		}
		opts.LowerBound = logKey(from.Position)
	case from.Kind == FromExact && dir == Backwards:
		opts.UpperBound = logKey(min(from.Position, end))
	}
	it, err := s.db.NewIter(opts)
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	defer closeInto(&err, it, "log iterator")
	var out []*Event
	valid, next := it.First(), it.Next
	if dir == Backwards {
		valid, next = it.Last(), it.Prev
	}
	for size := 0; valid && len(out) < limit && size < maxPageBytes; valid = next() {
		pos, _ := logKeyPosition(it.Key())
		ev, err := decodeEvent(pos, it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
		size += len(ev.Data) + len(ev.Metadata)
	}
	return out, it.Error()
}

func (s *Store) eventAt(pos uint64) (_ *Event, err error) {
	v, closer, err := s.db.Get(logKey(pos))
	if err != nil {
		return nil, fmt.Errorf("read event at %d: %w", pos, err)
	}
	defer closeInto(&err, closer, "event")
	return decodeEvent(pos, v)
}

func (s *Store) readState(stream string) (_ *streamState, err error) {
	v, closer, err := s.db.Get(stateKey(stream))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state of %q: %w", stream, err)
	}
	defer closeInto(&err, closer, "stream state")
	return decodeState(v)
}

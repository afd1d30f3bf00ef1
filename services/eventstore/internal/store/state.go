package store

import (
	"encoding/binary"
	"fmt"
	"math"
)

// deletedStream is the revision the real server gives a tombstone and the
// truncate-before value it writes on a soft delete (long.MaxValue).
const deletedStream = math.MaxInt64

// noRevision marks "no event yet" in revisions and unset metadata values.
const noRevision int64 = -1

// streamState is everything the writer needs to know about a stream to
// check an expected revision, and everything a reader needs to decide which
// of its events are visible.
type streamState struct {
	id         uint64
	last       int64 // last revision written, noRevision when none
	tombstoned bool
	meta       streamMeta
}

// streamMeta is the part of the stream's metadata ($$stream) the server
// honours. Unset values are noRevision.
type streamMeta struct {
	maxCount       int64
	maxAgeSeconds  int64
	truncateBefore int64
}

func unsetMeta() streamMeta {
	return streamMeta{maxCount: noRevision, maxAgeSeconds: noRevision, truncateBefore: noRevision}
}

func (s *streamState) softDeleted() bool {
	return s.meta.truncateBefore == deletedStream
}

const stateLen = 8 + 8 + 1 + 8*3

func (s *streamState) encode() []byte {
	b := make([]byte, 0, stateLen)
	b = binary.BigEndian.AppendUint64(b, s.id)
	b = binary.BigEndian.AppendUint64(b, uint64(s.last))
	var flags byte
	if s.tombstoned {
		flags = 1
	}
	b = append(b, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(s.meta.maxCount))
	b = binary.BigEndian.AppendUint64(b, uint64(s.meta.maxAgeSeconds))
	b = binary.BigEndian.AppendUint64(b, uint64(s.meta.truncateBefore))
	return b
}

func decodeState(b []byte) (*streamState, error) {
	if len(b) != stateLen {
		return nil, fmt.Errorf("corrupt stream state: %d bytes", len(b))
	}
	return &streamState{
		id:         binary.BigEndian.Uint64(b[0:]),
		last:       int64(binary.BigEndian.Uint64(b[8:])),
		tombstoned: b[16]&1 != 0,
		meta: streamMeta{
			maxCount:       int64(binary.BigEndian.Uint64(b[17:])),
			maxAgeSeconds:  int64(binary.BigEndian.Uint64(b[25:])),
			truncateBefore: int64(binary.BigEndian.Uint64(b[33:])),
		},
	}, nil
}

package store

import "encoding/binary"

// Key space (one Pebble keyspace, first byte is the table):
//
//	'L' position(8)            -> event record        the global log ($all)
//	'I' streamID(8) revision(8) -> position(8)         per-stream index
//	'S' stream name            -> stream state        revision, flags, metadata
//	'D' streamID(8) eventID(16) -> revision(8)         event-ID dedupe
//	'M' "next-stream-id"       -> uint64              stream id allocator
//	'M' "last-position"        -> uint64              highest position a scavenge saw
//	'M' "scavenge-pending"     -> (empty)             deletions not yet compacted away
const (
	tableLog    = 'L'
	tableIndex  = 'I'
	tableState  = 'S'
	tableDedupe = 'D'
	tableMeta   = 'M'
)

var (
	nextStreamIDKey = []byte{tableMeta, 'n', 'e', 'x', 't', '-', 's', 'i', 'd'}
	lastPositionKey = []byte{tableMeta, 'l', 'a', 's', 't', '-', 'p', 'o', 's'}
	pendingKey      = []byte("Mscavenge-pending")
)

func logKey(pos uint64) []byte {
	k := make([]byte, 9)
	k[0] = tableLog
	binary.BigEndian.PutUint64(k[1:], pos)
	return k
}

func logKeyPosition(k []byte) (uint64, bool) {
	if len(k) != 9 || k[0] != tableLog {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[1:]), true
}

func indexKey(streamID, rev uint64) []byte {
	k := make([]byte, 17)
	k[0] = tableIndex
	binary.BigEndian.PutUint64(k[1:], streamID)
	binary.BigEndian.PutUint64(k[9:], rev)
	return k
}

func stateKey(stream string) []byte {
	k := make([]byte, 1+len(stream))
	k[0] = tableState
	copy(k[1:], stream)
	return k
}

func dedupeKey(streamID uint64, id [16]byte) []byte {
	k := make([]byte, 25)
	k[0] = tableDedupe
	binary.BigEndian.PutUint64(k[1:], streamID)
	copy(k[9:], id[:])
	return k
}

func u64(v uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, v)
}

func decodeU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

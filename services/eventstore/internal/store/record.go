package store

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Event is one recorded event as it is stored in the log. Events are
// immutable once committed and are shared between readers and subscribers.
type Event struct {
	Stream      string
	Revision    uint64
	Position    uint64
	ID          [16]byte
	Type        string
	ContentType string
	Created     int64 // .NET ticks (100ns) since the Unix epoch
	Data        []byte
	Metadata    []byte // the client's custom metadata
}

// Size is the approximate in-memory size of the event in bytes.
func (e *Event) Size() int {
	return len(e.Stream) + len(e.Type) + len(e.ContentType) + len(e.Data) + len(e.Metadata) + 64
}

const recordVersion = 1

var errCorruptRecord = errors.New("corrupt event record")

// encodeEvent returns the binary form of e (without its position, which is
// the log key).
func encodeEvent(e *Event) []byte {
	dst := []byte{recordVersion}
	dst = binary.AppendUvarint(dst, e.Revision)
	dst = append(dst, e.ID[:]...)
	dst = binary.AppendVarint(dst, e.Created)
	dst = appendBytes(dst, []byte(e.Stream))
	dst = appendBytes(dst, []byte(e.Type))
	dst = appendBytes(dst, []byte(e.ContentType))
	dst = appendBytes(dst, e.Metadata)
	dst = appendBytes(dst, e.Data)
	return dst
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// decodeEvent parses a record written by encodeEvent. The returned event
// does not alias src.
func decodeEvent(pos uint64, src []byte) (*Event, error) {
	d := decoder{buf: src}
	if v := d.byte(); v != recordVersion {
		return nil, fmt.Errorf("%w: version %d at position %d", errCorruptRecord, v, pos)
	}
	e := &Event{Position: pos}
	e.Revision = d.uvarint()
	copy(e.ID[:], d.take(16))
	e.Created = d.varint()
	e.Stream = string(d.bytes())
	e.Type = string(d.bytes())
	e.ContentType = string(d.bytes())
	e.Metadata = cloneBytes(d.bytes())
	e.Data = cloneBytes(d.bytes())
	if d.err != nil {
		return nil, fmt.Errorf("%w at position %d: %w", errCorruptRecord, pos, d.err)
	}
	return e, nil
}

func cloneBytes(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

type decoder struct {
	buf []byte
	err error
}

var errShort = errors.New("record truncated")

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.buf) {
		d.err = errShort
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) byte() byte {
	b := d.take(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.err = errShort
		return nil
	}
	return d.take(int(n))
}

package store

import (
	"errors"
	"fmt"
)

// ExpectedKind is the kind of optimistic concurrency check of a write.
type ExpectedKind int

// The expected revision kinds of the protocol.
const (
	ExpectAny ExpectedKind = iota
	ExpectNoStream
	ExpectStreamExists
	ExpectRevision
)

// Expected is the expected revision of a stream for a write.
type Expected struct {
	Kind     ExpectedKind
	Revision uint64 // only for ExpectRevision
}

// version is the real server's int64 encoding of an expected version.
func (e Expected) version() int64 {
	switch e.Kind {
	case ExpectNoStream:
		return -1
	case ExpectAny:
		return -2
	case ExpectStreamExists:
		return -4
	default:
		return int64(e.Revision)
	}
}

func (e Expected) String() string {
	switch e.Kind {
	case ExpectNoStream:
		return "no_stream"
	case ExpectAny:
		return "any"
	case ExpectStreamExists:
		return "stream_exists"
	default:
		return fmt.Sprint(e.Revision)
	}
}

// ProposedEvent is an event a client asks to append.
type ProposedEvent struct {
	ID          [16]byte
	Type        string
	ContentType string
	Data        []byte
	Metadata    []byte
}

// WriteResult is the outcome of a successful append or delete.
type WriteResult struct {
	// Revision is the stream's last revision after the write, noRevision
	// (-1) when the stream still has no event.
	Revision int64
	// Position is the log position of the last event of the write, 0 when
	// nothing was written.
	Position uint64
}

// ErrStreamNotFound is returned by reads of a stream that has no visible
// events because it never existed or was soft deleted.
var ErrStreamNotFound = errors.New("stream not found")

// ErrStreamDeleted is returned for any operation on a tombstoned stream, and
// for StreamExists writes to a soft-deleted stream.
var ErrStreamDeleted = errors.New("stream deleted")

// ErrClosed is returned once the store is closed.
var ErrClosed = errors.New("store closed")

// WrongExpectedVersionError reports a failed optimistic concurrency check.
type WrongExpectedVersionError struct {
	Stream   string
	Expected Expected
	Current  int64 // noRevision when the stream does not exist
}

func (e *WrongExpectedVersionError) Error() string {
	cur := "no_stream"
	if e.Current >= 0 {
		cur = fmt.Sprint(e.Current)
	}
	return fmt.Sprintf("wrong expected version for stream %q: expected %s, current %s", e.Stream, e.Expected, cur)
}

// StreamError wraps a sentinel error with the stream name.
type StreamError struct {
	Stream string
	Err    error
}

func (e *StreamError) Error() string { return fmt.Sprintf("stream %q: %v", e.Stream, e.Err) }

func (e *StreamError) Unwrap() error { return e.Err }

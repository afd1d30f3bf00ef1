package events

import (
	"errors"
	"fmt"
)

// Sentinel errors. Journal methods wrap them (check with errors.Is); the typed errors below
// satisfy errors.Is for their sentinel too.
var (
	// ErrConflict: an Append's expected revision did not match the stream. See ConflictError.
	ErrConflict = errors.New("wrong expected revision")
	// ErrStreamNotFound: the stream has no events (never written, or soft-deleted).
	ErrStreamNotFound = errors.New("stream not found")
	// ErrStreamDeleted: the stream was tombstoned; it can never be read or written again.
	ErrStreamDeleted = errors.New("stream deleted")
	// ErrUnknownEventType: a stored event's type has no protobuf message in the codec's registry.
	ErrUnknownEventType = errors.New("unknown event type")
	// ErrSchemaTooNew: a stored event's schema version is newer than this code knows.
	ErrSchemaTooNew = errors.New("event schema version newer than supported")
	// ErrInvalidEvent: an Event given to Append breaks a rule (nil payload, negative version...).
	ErrInvalidEvent = errors.New("invalid event")
	// ErrClosed: the Journal was closed.
	ErrClosed = errors.New("journal closed")
)

// ConflictError is returned by Append when the stream is not at the expected revision. Nothing
// was written. errors.Is(err, ErrConflict) holds.
type ConflictError struct {
	Stream   string
	Expected ExpectedRevision
	// Actual is the revision of the stream's last event when the append was refused; it is
	// meaningless when StreamMissing is true.
	Actual uint64
	// StreamMissing is true when the stream did not exist (or was soft-deleted).
	StreamMissing bool
}

func (e *ConflictError) Error() string {
	actual := fmt.Sprint(e.Actual)
	if e.StreamMissing {
		actual = "no stream"
	}
	return fmt.Sprintf("append to %s: %v: expected %s, actual %s", e.Stream, ErrConflict, e.Expected, actual)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// UnknownTypeError is returned when decoding an event whose type is not a registered protobuf
// message. errors.Is(err, ErrUnknownEventType) holds.
type UnknownTypeError struct{ Type string }

func (e *UnknownTypeError) Error() string {
	return fmt.Sprintf("%v %q: link its Go protobuf package or register it in the codec's types", ErrUnknownEventType, e.Type)
}

// Is makes errors.Is(err, ErrUnknownEventType) true.
func (e *UnknownTypeError) Is(target error) bool { return target == ErrUnknownEventType }

// SchemaVersionError is returned when decoding an event stored with a schema version newer than
// the codec knows for its type (written by newer code). errors.Is(err, ErrSchemaTooNew) holds.
type SchemaVersionError struct {
	Type   string
	Stored int
	Known  int
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("%v: %s stored with schema version %d, this code knows up to %d", ErrSchemaTooNew, e.Type, e.Stored, e.Known)
}

// Is makes errors.Is(err, ErrSchemaTooNew) true.
func (e *SchemaVersionError) Is(target error) bool { return target == ErrSchemaTooNew }

package events

import (
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
)

// Event is one domain event to append.
//
// ID identifies the event for idempotency: appending the same ID again at the same place in the
// stream stores it once. Derive it with EventID from the command's inputs when the write may be
// retried; a zero ID is replaced by a random one. Payload is required.
type Event struct {
	ID      uuid.UUID
	Payload proto.Message
	Meta    Metadata
}

// Metadata travels with every event as a JSON object in the event's metadata.
//
// SchemaVersion is the version of the payload's meaning (bumped when a message changes in a way
// readers must know about; additive protobuf changes need no bump). Zero on append means "the
// codec's current version for this type" (1 unless registered with WithSchemaVersion).
// OccurredAt is when the fact happened in the domain; zero on append means now. Actor is who
// caused it (a user or service id, never personal data), CorrelationID the business flow
// (stored as "$correlationId", the server's convention), CausationID the message that caused it
// (stored as "$causationId").
type Metadata struct {
	SchemaVersion int
	Actor         string
	CorrelationID string
	CausationID   string
	OccurredAt    time.Time
}

// Recorded is an event read back from the store.
//
// Revision is its 0-based number in Stream. Position is its place in $all (comparable across
// streams; see Position). Type is the payload's full protobuf name. Created is the server's
// commit time, OccurredAt in Meta the domain time given at append.
type Recorded struct {
	Stream   string
	Revision uint64
	Position Position
	ID       uuid.UUID
	Type     string
	Payload  proto.Message
	Meta     Metadata
	Created  time.Time
}

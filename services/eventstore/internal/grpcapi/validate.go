package grpcapi

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"google.golang.org/grpc/metadata"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// MaxAppendSize is the real server's default maximum size of one append:
// the sum over its events of data + custom metadata + 2 × type length.
const MaxAppendSize = 1 << 20

const allStream = "$all"

// Metadata keys of a proposed and a recorded event.
const (
	metaType        = "type"
	metaContentType = "content-type"
	metaCreated     = "created"
)

// streamName validates a stream identifier for a write or a stream read.
func streamName(field string, id *shared.StreamIdentifier) (string, *rpcError) {
	if id == nil || len(id.StreamName) == 0 {
		return "", invalidField(field, "a stream name is required")
	}
	name := string(id.StreamName)
	if name == allStream {
		return "", invalidField(field, "$all is not a stream that can be written to or read as a stream")
	}
	return name, nil
}

// appendOptions validates the first message of an Append.
func appendOptions(req *api.AppendReq) (string, store.Expected, *rpcError) {
	opts := req.GetOptions()
	if opts == nil {
		return "", store.Expected{}, invalidField("options", "the first message of an append must carry the options")
	}
	name, err := streamName("options.stream_identifier", opts.StreamIdentifier)
	if err != nil {
		return "", store.Expected{}, err
	}
	var exp store.Expected
	switch v := opts.ExpectedStreamRevision.(type) {
	case *api.AppendReq_Options_Any:
		exp.Kind = store.ExpectAny
	case *api.AppendReq_Options_NoStream:
		exp.Kind = store.ExpectNoStream
	case *api.AppendReq_Options_StreamExists:
		exp.Kind = store.ExpectStreamExists
	case *api.AppendReq_Options_Revision:
		exp = store.Expected{Kind: store.ExpectRevision, Revision: v.Revision}
	default:
		return "", exp, invalidField("options.expected_stream_revision", "one of revision, no_stream, any or stream_exists is required")
	}
	if exp.Kind == store.ExpectRevision && exp.Revision > maxRevision {
		return "", exp, invalidField("options.expected_stream_revision.revision", "must be at most 2^63-2")
	}
	return name, exp, nil
}

const maxRevision = 1<<63 - 2

// proposedEvent validates one proposed message and returns it with its
// size as the real server counts it.
func proposedEvent(i int, req *api.AppendReq) (store.ProposedEvent, int, *rpcError) {
	msg := req.GetProposedMessage()
	field := fmt.Sprintf("proposed_message[%d]", i)
	if msg == nil {
		return store.ProposedEvent{}, 0, invalidField(field, "messages after the options must be proposed messages")
	}
	id, err := parseUUID(field+".id", msg.Id)
	if err != nil {
		return store.ProposedEvent{}, 0, err
	}
	typ, ok := msg.Metadata[metaType]
	if !ok || typ == "" {
		return store.ProposedEvent{}, 0, missingMetadata(field, metaType)
	}
	ct, ok := msg.Metadata[metaContentType]
	if !ok {
		return store.ProposedEvent{}, 0, missingMetadata(field, metaContentType)
	}
	ev := store.ProposedEvent{ID: id, Type: typ, ContentType: ct, Data: nonNil(msg.Data), Metadata: nonNil(msg.CustomMetadata)}
	return ev, len(ev.Data) + len(ev.Metadata) + 2*len(typ), nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func missingMetadata(field, key string) *rpcError {
	e := badRequest(fmt.Sprintf("Required Metadata Property '%s' is missing", key),
		fieldViolation{field: field + ".metadata." + key, rule: "is required and must not be empty"})
	e.trailers = metadata.Pairs(exceptionKey, excMissingMetadata, keyRequiredProperties, metaType+","+metaContentType)
	return e
}

func appendTooLarge() *rpcError {
	e := badRequest(fmt.Sprintf("Maximum Append Size of %d Exceeded.", MaxAppendSize),
		fieldViolation{field: "proposed_message", rule: fmt.Sprintf("the events of one append must total at most %d bytes", MaxAppendSize)})
	e.trailers = metadata.Pairs(exceptionKey, excMaxAppendSize, keyMaxAppendSize, strconv.Itoa(MaxAppendSize))
	return e
}

func parseUUID(field string, id *shared.UUID) ([16]byte, *rpcError) {
	var out [16]byte
	switch v := id.GetValue().(type) {
	case *shared.UUID_Structured_:
		binary.BigEndian.PutUint64(out[:8], uint64(v.Structured.GetMostSignificantBits()))
		binary.BigEndian.PutUint64(out[8:], uint64(v.Structured.GetLeastSignificantBits()))
	case *shared.UUID_String_:
		u, err := uuid.Parse(v.String_)
		if err != nil {
			return out, invalidField(field, "must be a valid UUID")
		}
		out = u
	default:
		return out, invalidField(field, "an event id is required")
	}
	if out == ([16]byte{}) {
		return out, invalidField(field, "must not be the nil UUID")
	}
	return out, nil
}

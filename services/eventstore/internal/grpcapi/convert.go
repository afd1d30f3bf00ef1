package grpcapi

import (
	"encoding/binary"
	"strconv"

	"github.com/google/uuid"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// readEvent converts a stored event to the wire, with its id structured or
// as a string as the client asked.
func readEvent(ev *store.Event, uuidString bool) *api.ReadResp {
	rec := &api.ReadResp_ReadEvent_RecordedEvent{
		Id:               wireUUID(ev.ID, uuidString),
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(ev.Stream)},
		StreamRevision:   ev.Revision,
		PreparePosition:  ev.Position,
		CommitPosition:   ev.Position,
		Metadata: map[string]string{
			metaType:        ev.Type,
			metaContentType: ev.ContentType,
			metaCreated:     strconv.FormatInt(ev.Created, 10),
		},
		CustomMetadata: ev.Metadata,
		Data:           ev.Data,
	}
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event:    rec,
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: ev.Position},
	}}}
}

func wireUUID(id [16]byte, asString bool) *shared.UUID {
	if asString {
		return &shared.UUID{Value: &shared.UUID_String_{String_: uuid.UUID(id).String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(id[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(id[8:])),
	}}}
}

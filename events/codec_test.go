package events

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/sourcecontextpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

var occurred = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func testCodec(t *testing.T, opts ...CodecOption) *Codec {
	t.Helper()
	c, err := NewCodec(opts...)
	require.NoError(t, err)
	c.now = func() time.Time { return occurred }
	return c
}

// stored turns encoded data into what the server hands back for it.
func stored(d esdb.EventData, stream string, rev uint64) *esdb.RecordedEvent {
	return &esdb.RecordedEvent{
		EventID: d.EventID, EventType: d.EventType, ContentType: ContentTypeJSON, StreamID: stream,
		EventNumber: rev, Position: esdb.Position{Commit: 100, Prepare: 100}, CreatedDate: occurred,
		Data: d.Data, UserMetadata: d.Metadata,
	}
}

func TestEncodeWritesTypeJSONAndMetadata(t *testing.T) {
	c := testCodec(t)
	id := EventID("t", "1")
	d, err := c.encode(Event{
		ID: id, Payload: wrapperspb.String("referred"),
		Meta: Metadata{Actor: "coordinator:7", CorrelationID: "corr-1", CausationID: "cmd-1"},
	})
	require.NoError(t, err)
	require.Equal(t, id, d.EventID)
	require.Equal(t, "google.protobuf.StringValue", d.EventType)
	require.Equal(t, esdb.ContentTypeJson, d.ContentType)
	require.JSONEq(t, `"referred"`, string(d.Data))
	require.JSONEq(t, `{"schemaVersion":1,"actor":"coordinator:7","$correlationId":"corr-1",
		"$causationId":"cmd-1","occurredAt":"2026-03-01T09:30:00Z"}`, string(d.Metadata))
}

func TestEncodeDefaults(t *testing.T) {
	c := testCodec(t, WithSchemaVersion("google.protobuf.Struct", 3))
	d, err := c.encode(Event{Payload: &structpb.Struct{}})
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, d.EventID, "a zero ID is replaced by a random one")
	var meta map[string]any
	require.NoError(t, json.Unmarshal(d.Metadata, &meta))
	require.InDelta(t, 3, meta["schemaVersion"], 0, "the registered version is written")
	require.Equal(t, "2026-03-01T09:30:00Z", meta["occurredAt"])
}

func TestEncodeRejects(t *testing.T) {
	empty := new(protoregistry.Types)
	tests := []struct {
		name  string
		codec *Codec
		event Event
		want  error
	}{
		{"nil payload", testCodec(t), Event{}, ErrInvalidEvent},
		{"negative schema version", testCodec(t), Event{Payload: wrapperspb.Bool(true), Meta: Metadata{SchemaVersion: -1}}, ErrInvalidEvent},
		{"schema version newer than the codec", testCodec(t), Event{Payload: wrapperspb.Bool(true), Meta: Metadata{SchemaVersion: 2}}, ErrInvalidEvent},
		{"type unknown to the registry", testCodec(t, WithTypes(empty)), Event{Payload: wrapperspb.Bool(true)}, ErrUnknownEventType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.codec.encode(tt.event)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	c := testCodec(t)
	payload, err := structpb.NewStruct(map[string]any{"stage": "triage", "score": 42.0})
	require.NoError(t, err)
	meta := Metadata{SchemaVersion: 1, Actor: "a", CorrelationID: "c", CausationID: "k", OccurredAt: occurred}
	d, err := c.encode(Event{ID: EventID("x"), Payload: payload, Meta: meta})
	require.NoError(t, err)

	r, err := c.decode(stored(d, "journey-1", 4))
	require.NoError(t, err)
	require.Equal(t, "journey-1", r.Stream)
	require.Equal(t, uint64(4), r.Revision)
	require.Equal(t, Position{Commit: 100, Prepare: 100}, r.Position)
	require.Equal(t, EventID("x"), r.ID)
	require.Equal(t, "google.protobuf.Struct", r.Type)
	require.True(t, proto.Equal(payload, r.Payload), "payload %v", r.Payload)
	require.Equal(t, meta, r.Meta)
	require.Equal(t, occurred, r.Created)
}

func TestDecodeToleratesAddedFieldsAndMissingMetadata(t *testing.T) {
	c := testCodec(t)
	ev := &esdb.RecordedEvent{
		EventType: "google.protobuf.SourceContext", ContentType: ContentTypeJSON, StreamID: "journey-1",
		Data: []byte(`{"fileName":"a.proto","addedLater":true}`),
	}
	r, err := c.decode(ev)
	require.NoError(t, err)
	require.Equal(t, "a.proto", r.Payload.(*sourcecontextpb.SourceContext).GetFileName())
	require.Equal(t, 1, r.Meta.SchemaVersion, "events without metadata are version 1")
}

func TestDecodeRejects(t *testing.T) {
	c := testCodec(t, WithSchemaVersion("google.protobuf.BoolValue", 2))
	good := func(mut func(*esdb.RecordedEvent)) *esdb.RecordedEvent {
		ev := &esdb.RecordedEvent{
			EventType: "google.protobuf.BoolValue", ContentType: ContentTypeJSON, StreamID: "journey-1",
			EventNumber: 3, Data: []byte(`true`), UserMetadata: []byte(`{"schemaVersion":2}`),
		}
		mut(ev)
		return ev
	}
	_, err := c.decode(good(func(*esdb.RecordedEvent) {}))
	require.NoError(t, err, "the baseline decodes")

	tests := []struct {
		name string
		ev   *esdb.RecordedEvent
		want string
	}{
		{"unknown type", good(func(e *esdb.RecordedEvent) { e.EventType = "pathways.nope.v1.Gone" }), `unknown event type "pathways.nope.v1.Gone"`},
		{"schema too new", good(func(e *esdb.RecordedEvent) { e.UserMetadata = []byte(`{"schemaVersion":3}`) }), "stored with schema version 3, this code knows up to 2"},
		{"binary content", good(func(e *esdb.RecordedEvent) { e.ContentType = "application/octet-stream" }), "only application/json"},
		{"bad payload", good(func(e *esdb.RecordedEvent) { e.Data = []byte(`"yes"`) }), "payload"},
		{"bad metadata", good(func(e *esdb.RecordedEvent) { e.UserMetadata = []byte(`[`) }), "metadata"},
		{"zero schema version", good(func(e *esdb.RecordedEvent) { e.UserMetadata = []byte(`{"schemaVersion":0}`) }), "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.decode(tt.ev)
			require.ErrorContains(t, err, "decode journey-1@3")
			require.ErrorContains(t, err, tt.want)
		})
	}
	_, err = c.decode(tests[0].ev)
	var unknown *UnknownTypeError
	require.ErrorAs(t, err, &unknown)
	require.ErrorIs(t, err, ErrUnknownEventType)
	_, err = c.decode(tests[1].ev)
	var tooNew *SchemaVersionError
	require.ErrorAs(t, err, &tooNew)
	require.Equal(t, SchemaVersionError{Type: "google.protobuf.BoolValue", Stored: 3, Known: 2}, *tooNew)
	require.ErrorIs(t, err, ErrSchemaTooNew)
}

func TestNewCodecRejectsBadOptions(t *testing.T) {
	_, err := NewCodec(WithSchemaVersion("a.B", 0), WithTypes(nil))
	require.ErrorContains(t, err, "schema version of a.B: must be at least 1")
	require.ErrorContains(t, err, "resolver must not be nil")
}

package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// ContentTypeJSON is the content type of every event this package writes.
const ContentTypeJSON = "application/json"

// Codec turns Events into stored events and stored events back into Recorded.
//
// It resolves event types through a protobuf type registry (protoregistry.GlobalTypes unless
// WithTypes) and knows the current schema version of each type (1 unless WithSchemaVersion). A
// Codec is immutable after NewCodec and safe for concurrent use.
type Codec struct {
	types    *protoregistry.Types
	versions map[protoreflect.FullName]int
	now      func() time.Time
}

// CodecOption configures NewCodec.
type CodecOption func(*Codec) error

// WithTypes resolves event types (and Any payloads) in r instead of protoregistry.GlobalTypes.
func WithTypes(r *protoregistry.Types) CodecOption {
	return func(c *Codec) error {
		if r == nil {
			return errors.New("codec types: resolver must not be nil")
		}
		c.types = r
		return nil
	}
}

// WithSchemaVersion declares version (>= 1) as the current schema version of the message type
// name: events of that type are written with it, and stored events with a higher version are
// refused with a SchemaVersionError.
func WithSchemaVersion(name protoreflect.FullName, version int) CodecOption {
	return func(c *Codec) error {
		if version < 1 {
			return fmt.Errorf("codec schema version of %s: must be at least 1, got %d", name, version)
		}
		c.versions[name] = version
		return nil
	}
}

// NewCodec builds a Codec.
func NewCodec(opts ...CodecOption) (*Codec, error) {
	c := &Codec{
		types:    protoregistry.GlobalTypes,
		versions: map[protoreflect.FullName]int{},
		now:      time.Now,
	}
	var errs []error
	for _, opt := range opts {
		errs = append(errs, opt(c))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// SchemaVersion returns the current schema version of the message type name.
func (c *Codec) SchemaVersion(name protoreflect.FullName) int {
	if v, ok := c.versions[name]; ok {
		return v
	}
	return 1
}

// wireMetadata is the JSON stored as an event's metadata.
type wireMetadata struct {
	SchemaVersion int       `json:"schemaVersion"`
	Actor         string    `json:"actor,omitempty"`
	CorrelationID string    `json:"$correlationId,omitempty"`
	CausationID   string    `json:"$causationId,omitempty"`
	OccurredAt    time.Time `json:"occurredAt"`
}

func (c *Codec) encode(e Event) (esdb.EventData, error) {
	if e.Payload == nil {
		return esdb.EventData{}, fmt.Errorf("%w: payload must not be nil", ErrInvalidEvent)
	}
	name := e.Payload.ProtoReflect().Descriptor().FullName()
	if _, err := c.types.FindMessageByName(name); err != nil {
		return esdb.EventData{}, &UnknownTypeError{Type: string(name)}
	}
	meta, err := c.fillMetadata(name, e.Meta)
	if err != nil {
		return esdb.EventData{}, err
	}
	data, err := protojson.Marshal(e.Payload)
	if err != nil {
		return esdb.EventData{}, fmt.Errorf("%w: encode %s payload: %w", ErrInvalidEvent, name, err)
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return esdb.EventData{}, fmt.Errorf("%w: encode %s metadata: %w", ErrInvalidEvent, name, err)
	}
	id := e.ID
	if id == uuid.Nil {
		id = uuid.New()
	}
	return esdb.EventData{
		EventID:     id,
		EventType:   string(name),
		ContentType: esdb.ContentTypeJson,
		Data:        data,
		Metadata:    metaJSON,
	}, nil
}

func (c *Codec) fillMetadata(name protoreflect.FullName, m Metadata) (wireMetadata, error) {
	known := c.SchemaVersion(name)
	switch {
	case m.SchemaVersion < 0:
		return wireMetadata{}, fmt.Errorf("%w: %s schema version must not be negative, got %d", ErrInvalidEvent, name, m.SchemaVersion)
	case m.SchemaVersion > known:
		return wireMetadata{}, fmt.Errorf("%w: %s schema version %d is newer than the codec's %d", ErrInvalidEvent, name, m.SchemaVersion, known)
	case m.SchemaVersion == 0:
		m.SchemaVersion = known
	}
	if m.OccurredAt.IsZero() {
		m.OccurredAt = c.now()
	}
	m.OccurredAt = m.OccurredAt.UTC()
	return wireMetadata(m), nil
}

// decode turns one stored event into a Recorded. Errors name the stream and revision.
func (c *Codec) decode(ev *esdb.RecordedEvent) (Recorded, error) {
	r := Recorded{
		Stream:   ev.StreamID,
		Revision: ev.EventNumber,
		Position: positionFromClient(ev.Position),
		ID:       ev.EventID,
		Type:     ev.EventType,
		Created:  ev.CreatedDate,
	}
	if err := c.decodeInto(&r, ev); err != nil {
		return Recorded{}, fmt.Errorf("decode %s@%d (%s): %w", ev.StreamID, ev.EventNumber, ev.EventType, err)
	}
	return r, nil
}

func (c *Codec) decodeInto(r *Recorded, ev *esdb.RecordedEvent) error {
	if ev.ContentType != ContentTypeJSON {
		return fmt.Errorf("content type %q: only %s events can be decoded", ev.ContentType, ContentTypeJSON)
	}
	mt, err := c.types.FindMessageByName(protoreflect.FullName(ev.EventType))
	if err != nil {
		return &UnknownTypeError{Type: ev.EventType}
	}
	meta, err := c.decodeMetadata(ev.EventType, ev.UserMetadata)
	if err != nil {
		return err
	}
	payload := mt.New().Interface()
	// Unknown fields are dropped: adding a field is a compatible change that needs no new
	// schema version, so older readers must accept newer additive payloads.
	opts := protojson.UnmarshalOptions{DiscardUnknown: true, Resolver: c.types}
	if err := opts.Unmarshal(ev.Data, payload); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	r.Payload, r.Meta = payload, meta
	return nil
}

func (c *Codec) decodeMetadata(eventType string, raw []byte) (Metadata, error) {
	w := wireMetadata{SchemaVersion: 1}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &w); err != nil {
			return Metadata{}, fmt.Errorf("metadata: %w", err)
		}
	}
	if w.SchemaVersion < 1 {
		return Metadata{}, fmt.Errorf("metadata: schemaVersion must be at least 1, got %d", w.SchemaVersion)
	}
	if known := c.SchemaVersion(protoreflect.FullName(eventType)); w.SchemaVersion > known {
		return Metadata{}, &SchemaVersionError{Type: eventType, Stored: w.SchemaVersion, Known: known}
	}
	return Metadata(w), nil
}

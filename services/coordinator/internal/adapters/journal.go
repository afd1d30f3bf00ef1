package adapters

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	_ "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1" // registers the journey event types
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
)

// Timeline reads journey streams through the journal.
type Timeline struct {
	Journal *events.Journal
}

// Read returns the journey's events oldest first; a journey whose stream has no events yet has
// an empty timeline.
func (t Timeline) Read(ctx context.Context, journeyID string) ([]app.TimelineEntry, error) {
	recs, err := t.Journal.ReadStream(ctx, events.JourneyStream(journeyID))
	if errors.Is(err, events.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journey stream: %w", err)
	}
	out := make([]app.TimelineEntry, len(recs))
	var admissions readmissions
	for i, r := range recs {
		out[i] = entry(r)
		if note := admissions.note(r.Payload); note != "" {
			out[i].Summary += " " + note
		}
	}
	return out, nil
}

// Revision returns the revision of the journey stream's last event, -1 when it has none yet.
func (t Timeline) Revision(ctx context.Context, journeyID string) (int64, error) {
	rev, found, err := t.Journal.LastRevision(ctx, events.JourneyStream(journeyID))
	if err != nil {
		return 0, fmt.Errorf("read journey stream revision: %w", err)
	}
	if !found {
		return -1, nil
	}
	return int64(rev), nil
}

// hidden are fields the summary leaves out: identifiers shown elsewhere and the NHS number.
var hidden = map[protoreflect.Name]bool{"journey_id": true, "nhs_number": true, "request_id": true,
	"stage": true, "occurred_at": true, "requested_by": true}

func entry(r events.Recorded) app.TimelineEntry {
	m := r.Payload.ProtoReflect()
	e := app.TimelineEntry{Revision: int64(r.Revision), Type: string(m.Descriptor().Name()),
		OccurredAt: r.Meta.OccurredAt, Actor: r.Meta.Actor}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = r.Created
	}
	e.Stage = stringField(m, "stage")
	e.RequestID = stringField(m, "request_id")
	if by := stringField(m, "requested_by"); by != "" {
		e.Actor = by
	}
	e.Summary = fields(m)
	return e
}

// fields renders a message's set fields, but the hidden ones, as name=value separated by spaces,
// in declaration order (Range's order is deliberately unstable).
func fields(m protoreflect.Message) string {
	var parts []string
	fds := m.Descriptor().Fields()
	for i := range fds.Len() {
		fd := fds.Get(i)
		if m.Has(fd) && !hidden[fd.Name()] {
			parts = append(parts, string(fd.Name())+"="+render(fd, m.Get(fd)))
		}
	}
	return strings.Join(parts, " ")
}

func stringField(m protoreflect.Message, name protoreflect.Name) string {
	fd := m.Descriptor().Fields().ByName(name)
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return ""
	}
	return m.Get(fd).String()
}

func render(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch {
	case fd.IsList():
		l := v.List()
		items := make([]string, l.Len())
		for i := range l.Len() {
			items[i] = renderOne(fd, l.Get(i))
		}
		return "[" + strings.Join(items, ",") + "]"
	case fd.IsMap():
		return "{...}"
	}
	return renderOne(fd, v)
}

func renderOne(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
	case protoreflect.MessageKind:
		msg := v.Message()
		if ts, ok := msg.Interface().(*timestamppb.Timestamp); ok {
			return ts.AsTime().Format(time.RFC3339)
		}
		if code := stringField(msg, "code"); code != "" {
			if f := msg.Descriptor().Fields().ByName("value"); f != nil {
				return fmt.Sprintf("%s:%v", code, msg.Get(f).Interface())
			}
			return code
		}
		return "{" + fields(msg) + "}"
	}
	return fmt.Sprint(v.Interface())
}

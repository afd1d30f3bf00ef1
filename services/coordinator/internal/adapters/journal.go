package adapters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1" // also registers the journey event types
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
)

// Timeline reads journey streams through the journal, opening their sealed fields with the
// patients' data keys.
type Timeline struct {
	Journal  *events.Journal
	Patients Opener
}

// Opener opens sealed fields (app.Patients does).
type Opener interface {
	Open(ctx context.Context, ref, purpose string, sealed []byte) ([]byte, error)
}

// Erased is how a sealed field whose patient was erased reads.
const Erased = "[erased]"

// Patient reads the journey's patient reference from its first event, ReferralReceived.
func (t Timeline) Patient(ctx context.Context, journeyID string) (string, bool, error) {
	recs, err := t.Journal.ReadStreamFrom(ctx, events.JourneyStream(journeyID), 0, 1)
	if errors.Is(err, events.ErrStreamNotFound) || (err == nil && len(recs) == 0) {
		return "", false, domain.JourneyNotFound(journeyID)
	}
	if err != nil {
		return "", false, fmt.Errorf("read journey stream: %w", err)
	}
	rr, ok := recs[0].Payload.(*journeyv1.ReferralReceived)
	if !ok {
		return "", false, fmt.Errorf("journey %s: its first event is %s, not ReferralReceived", journeyID, recs[0].Type)
	}
	if rr.GetPatientRef() == "" {
		return "", true, nil
	}
	return rr.GetPatientRef(), false, nil
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
	var patient string
	for i, r := range recs {
		out[i] = entry(r)
		if rr, ok := r.Payload.(*journeyv1.ReferralReceived); ok {
			patient = rr.GetPatientRef()
		}
		if opened := t.opened(ctx, patient, r.Payload); opened != "" {
			out[i].Summary += " " + opened
		}
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

// hidden are fields the summary leaves out: identifiers shown elsewhere, the NHS number (in clear
// in journeys recorded before patient references, sealed since), and the sealed fields, which
// opened adds opened.
var hidden = map[protoreflect.Name]bool{"journey_id": true, "nhs_number": true, "request_id": true,
	"stage": true, "occurred_at": true, "requested_by": true, "nhs_number_sealed": true,
	"reason_sealed": true, "note_sealed": true}

// opened renders the sealed free-text fields of an event, opened with the patient's key:
// reason_for_referral="..." and note="...", or [erased] once the patient was erased. The NHS
// number is never shown.
func (t Timeline) opened(ctx context.Context, patient string, m proto.Message) string {
	var field, purpose string
	var sealed []byte
	switch e := m.(type) {
	case *journeyv1.ReferralReceived:
		field, purpose, sealed = "reason_for_referral", app.PurposeReferralReason, e.GetReasonSealed()
	case *journeyv1.Discharged:
		field, purpose, sealed = "note", app.PurposeNote, e.GetNoteSealed()
	case *journeyv1.JourneyCancelled:
		field, purpose, sealed = "note", app.PurposeNote, e.GetNoteSealed()
	case *journeyv1.PathwayVersionMigrated:
		field, purpose, sealed = "note", app.PurposeNote, e.GetNoteSealed()
	}
	if len(sealed) == 0 || patient == "" {
		return ""
	}
	if t.Patients == nil {
		return field + "=" + Erased
	}
	plain, err := t.Patients.Open(ctx, patient, purpose, sealed)
	switch {
	case errors.Is(err, patientkeys.ErrErased):
		return field + "=" + Erased
	case err != nil:
		slog.WarnContext(ctx, "timeline: a sealed field does not open", "patient", patient, "field", field, "error", err)
		return field + "=[unreadable]"
	}
	return field + "=" + strconv.Quote(string(plain))
}

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

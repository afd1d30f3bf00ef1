package adapters

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// AuditCategory is the category of the access audit trail's streams: one a day (UTC),
// audit-<yyyy-mm-dd>, each event a pathways.coordinator.v1.AccessEntry.
const AuditCategory = "audit"

// AuditStream returns the stream of the access audit trail of the UTC day of t.
func AuditStream(t time.Time) string { return events.Stream(AuditCategory, domain.Day(t)) }

// AccessTrail keeps the access audit trail in the event store. Safe for concurrent use.
type AccessTrail struct {
	Journal *events.Journal
}

// Append appends the entry to its day's stream under an event id derived from the entry
// (events.EventID of its instant to the nanosecond, caller, method, journeys, request id, peer
// and outcome), so an append retried after a timeout stores it once.
func (t AccessTrail) Append(ctx context.Context, a domain.Access) error {
	ev := events.Event{ID: accessEventID(a), Payload: accessToEntry(a),
		Meta: events.Metadata{Actor: a.Subject, OccurredAt: a.At}}
	if _, err := t.Journal.Append(ctx, AuditStream(a.At), events.Any(), ev); err != nil {
		return fmt.Errorf("append access audit entry: %w", err)
	}
	return nil
}

// ReadDay reads up to limit entries of the day's stream from position from.
func (t AccessTrail) ReadDay(ctx context.Context, day time.Time, from uint64, limit int) ([]app.RecordedAccess, error) {
	recs, err := t.Journal.ReadStreamFrom(ctx, AuditStream(day), from, uint64(limit))
	if errors.Is(err, events.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read access audit trail: %w", err)
	}
	out := make([]app.RecordedAccess, 0, len(recs))
	for _, r := range recs {
		e, ok := r.Payload.(*coordinatorv1.AccessEntry)
		if !ok {
			return nil, fmt.Errorf("read access audit trail: %s@%d is a %s, not an AccessEntry", r.Stream, r.Revision, r.Type)
		}
		a := accessFromEntry(e)
		a.ID = r.ID.String()
		out = append(out, app.RecordedAccess{Access: a, Position: r.Revision})
	}
	return out, nil
}

func accessEventID(a domain.Access) uuid.UUID {
	parts := []string{"access", a.At.UTC().Format(time.RFC3339Nano), a.Subject, a.Service, a.Method,
		strings.Join(a.JourneyIDs, ","), a.RequestID, a.Peer, a.ForwardedFor, a.Code}
	if a.Reason != "" || a.PatientRef != "" { // entries without them keep the ids they always had
		parts = append(parts, a.Reason, a.PatientRef)
	}
	return events.EventID(parts...)
}

func accessToEntry(a domain.Access) *coordinatorv1.AccessEntry {
	return &coordinatorv1.AccessEntry{At: timestamppb.New(a.At), Subject: a.Subject, Actor: a.Actor, Service: a.Service,
		Orgs: a.Orgs, Method: a.Method, JourneyIds: a.JourneyIDs, Outcome: coordinatorv1.AccessOutcome(a.Outcome),
		Code: a.Code, Peer: a.Peer, ForwardedFor: a.ForwardedFor, RequestId: a.RequestID, Reason: a.Reason, PatientRef: a.PatientRef}
}

func accessFromEntry(e *coordinatorv1.AccessEntry) domain.Access {
	return domain.Access{At: e.GetAt().AsTime(), Subject: e.GetSubject(), Actor: e.GetActor(), Service: e.GetService(),
		Orgs: e.GetOrgs(), Method: e.GetMethod(), JourneyIDs: e.GetJourneyIds(), Outcome: domain.Outcome(e.GetOutcome()),
		Code: e.GetCode(), Peer: e.GetPeer(), ForwardedFor: e.GetForwardedFor(), RequestID: e.GetRequestId(),
		Reason: e.GetReason(), PatientRef: e.GetPatientRef()}
}

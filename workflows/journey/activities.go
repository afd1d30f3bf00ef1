package journey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	_ "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1" // registers the journey event types
	"github.com/nhs-pathways/pathways/events"
)

// Journal is the part of *events.Journal the activities use.
type Journal interface {
	Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.Event) (events.AppendResult, error)
	ReadStreamFrom(ctx context.Context, stream string, from, maxCount uint64) ([]events.Recorded, error)
}

// PathwayVersions finds the pathway version in effect at a time (the governance service).
// It returns an error wrapping ErrVersionNotFound when the pathway has none.
type PathwayVersions interface {
	VersionInEffect(ctx context.Context, pathwayID string, at time.Time) (PinnedVersion, error)
}

// ErrVersionNotFound is wrapped by PathwayVersions when no version of the pathway was in effect
// at the time asked.
var ErrVersionNotFound = errors.New("no pathway version in effect")

// Activities are the journey's side effects. Every field is required; an Activities is safe for
// concurrent use if its dependencies are.
type Activities struct {
	Journal   Journal
	Versions  PathwayVersions
	Finance   financev1.FinanceIngestServiceClient
	Dashboard dashboardv1.DashboardIngestServiceClient
}

// ResolveRequest asks for the version of a pathway in effect at a time.
type ResolveRequest struct {
	PathwayID string    `json:"pathwayId"`
	At        time.Time `json:"at"`
}

// PinnedVersion is a pathway version and its document.
type PinnedVersion struct {
	Version        int    `json:"version"`
	DefinitionYAML string `json:"definitionYaml"`
}

// ResolvePathwayVersion returns the version of the pathway in effect at the referral time.
func (a *Activities) ResolvePathwayVersion(ctx context.Context, req ResolveRequest) (PinnedVersion, error) {
	v, err := a.Versions.VersionInEffect(ctx, req.PathwayID, req.At)
	if errors.Is(err, ErrVersionNotFound) {
		return PinnedVersion{}, refuse(ErrPathwayVersionNotFound, "pathway %q at %s: %v", req.PathwayID, req.At.Format(time.RFC3339), err)
	}
	if err != nil {
		return PinnedVersion{}, fmt.Errorf("pathway %q version in effect: %w", req.PathwayID, err)
	}
	return v, nil
}

// AppendRequest appends a transition's events to a journey's stream. ExpectedRevision is the
// stream's last revision as the workflow knows it (-1: no stream yet).
type AppendRequest struct {
	JourneyID        string `json:"journeyId"`
	ExpectedRevision int64  `json:"expectedRevision"`
	RequestID        string `json:"requestId,omitempty"`
	// Actor is who asked for the change, stored as each event's metadata actor; empty for the
	// workflow's own changes (stored as "journey-workflow").
	Actor  string         `json:"actor,omitempty"`
	Events []EncodedEvent `json:"events"`
}

// EncodedEvent is one journey event: its deterministic ID, protobuf type name and binary payload.
type EncodedEvent struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Data       []byte    `json:"data"`
	OccurredAt time.Time `json:"occurredAt"`
}

// AppendJourneyEvents appends the events at the expected revision. A retry after a lost answer is
// harmless: the store keeps one copy of each event ID, and if the stream already holds exactly
// these events at these positions the append counts as done. Any other conflict is a
// non-retryable ErrStreamConflict.
func (a *Activities) AppendJourneyEvents(ctx context.Context, req AppendRequest) error {
	evs, err := decodeEvents(req)
	if err != nil {
		return err
	}
	expected := events.NoStream()
	if req.ExpectedRevision >= 0 {
		expected = events.Exact(uint64(req.ExpectedRevision))
	}
	stream := events.JourneyStream(req.JourneyID)
	_, err = a.Journal.Append(ctx, stream, expected, evs...)
	var conflict *events.ConflictError
	if !errors.As(err, &conflict) {
		if err != nil {
			return fmt.Errorf("append to %s: %w", stream, err)
		}
		return nil
	}
	stored, rerr := a.Journal.ReadStreamFrom(ctx, stream, uint64(req.ExpectedRevision+1), uint64(len(evs)))
	if rerr == nil && sameIDs(stored, evs) {
		return nil
	}
	return refuse(ErrStreamConflict, "%v", err)
}

func sameIDs(stored []events.Recorded, evs []events.Event) bool {
	if len(stored) != len(evs) {
		return false
	}
	for i := range evs {
		if stored[i].ID != evs[i].ID {
			return false
		}
	}
	return true
}

// workflowActor is the metadata actor of the events the workflow records on its own (the referral,
// clocks falling due).
const workflowActor = "journey-workflow"

func decodeEvents(req AppendRequest) ([]events.Event, error) {
	out := make([]events.Event, 0, len(req.Events))
	actor := req.Actor
	if actor == "" {
		actor = workflowActor
	}
	for _, e := range req.Events {
		id, err := uuid.Parse(e.ID)
		if err != nil {
			return nil, refuse(ErrInvalidRequest, "event id %q: %v", e.ID, err)
		}
		mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(e.Type))
		if err != nil {
			return nil, refuse(ErrInvalidRequest, "event type %q: %v", e.Type, err)
		}
		msg := mt.New().Interface()
		if err := proto.Unmarshal(e.Data, msg); err != nil {
			return nil, refuse(ErrInvalidRequest, "event %s (%s): %v", e.ID, e.Type, err)
		}
		out = append(out, events.Event{ID: id, Payload: msg, Meta: events.Metadata{
			Actor: actor, CorrelationID: req.JourneyID, CausationID: req.RequestID, OccurredAt: e.OccurredAt,
		}})
	}
	return out, nil
}

// PushFinanceActivity charges a delivered intervention to the finance service.
func (a *Activities) PushFinanceActivity(ctx context.Context, req *financev1.RecordActivityRequest) error {
	_, err := a.Finance.RecordActivity(ctx, req)
	return ingestError("finance RecordActivity", req.GetEventId(), err)
}

// PushFinanceOutcome sends an outcome to the finance service.
func (a *Activities) PushFinanceOutcome(ctx context.Context, req *financev1.RecordOutcomeRequest) error {
	_, err := a.Finance.RecordOutcome(ctx, req)
	return ingestError("finance RecordOutcome", req.GetEventId(), err)
}

// PushDashboardFact sends a journey fact to the dashboard service.
func (a *Activities) PushDashboardFact(ctx context.Context, req *dashboardv1.RecordJourneyFactRequest) error {
	_, err := a.Dashboard.RecordJourneyFact(ctx, req)
	return ingestError("dashboard RecordJourneyFact", req.GetEventId(), err)
}

// ingestError makes a receiver's refusal of the content itself (same ID, different payload;
// invalid request) non-retryable; anything else is retried. FailedPrecondition is retried too: it
// names a state of the receiver that an operator fixes (finance has no contract yet for the
// pathway and contract year), and a charge dropped there would be lost for good; the journey's
// pending pushes show it waiting meanwhile.
func ingestError(call, eventID string, err error) error {
	if err == nil {
		return nil
	}
	switch status.Code(err) {
	case codes.AlreadyExists, codes.InvalidArgument:
		return refuse(ErrIngestRejected, "%s %s: %v", call, eventID, err)
	}
	return fmt.Errorf("%s %s: %w", call, eventID, err)
}

// retryable reports whether err would be retried by Temporal (used by tests).
func retryable(err error) bool {
	var app *temporal.ApplicationError
	return !errors.As(err, &app) || !app.NonRetryable()
}

// acts names the activities in workflow code (method values of a nil *Activities resolve to the
// registered activity names; they are never called).
var acts *Activities

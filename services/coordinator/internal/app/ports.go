package app

import (
	"context"
	"time"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Journeys runs journeys (Temporal). Errors are *domain.Error or *domain.ValidationError when the
// journey refused; anything else is an infrastructure failure.
type Journeys interface {
	// Start starts the journey of a referral carrying its fingerprint. When the referral id was
	// used before it returns created=false if the fingerprint matches, else KindAlreadyExists.
	Start(ctx context.Context, r domain.Referral, fingerprint string) (journeyID string, created bool, err error)
	// State queries a journey's current view (KindNotFound for an unknown journey).
	State(ctx context.Context, journeyID string) (journey.View, error)
	// Update sends one transition as a Temporal update with the request id as update id and
	// waits for its answer.
	Update(ctx context.Context, journeyID, name, requestID string, arg any) (journey.UpdateResult, error)
	// List returns up to limit journeys matching a visibility query.
	List(ctx context.Context, query string, limit int) ([]Listed, error)
}

// Listed is a journey as a visibility list shows it (its search attributes).
type Listed struct {
	JourneyID      string
	PathwayID      string
	Version        int
	Stage          string
	Status         string
	PCN            string
	Segment        string
	TriageDueAt    time.Time
	TriageBreached bool
	RTTBreached    bool
	StartedAt      time.Time
}

// Timeline reads a journey's event stream.
type Timeline interface {
	Read(ctx context.Context, journeyID string) ([]TimelineEntry, error)
	// Revision returns the revision of the journey stream's last event (-1 when it has none): the
	// journey's State.Revision once the workflow has stored it.
	Revision(ctx context.Context, journeyID string) (int64, error)
}

// TimelineEntry is one event of a journey's stream.
type TimelineEntry struct {
	Revision   int64
	Type       string
	OccurredAt time.Time
	Stage      string
	Actor      string
	RequestID  string
	Summary    string
}

// Pathways reads pathway versions (governance).
type Pathways interface {
	// Document returns the YAML document of a version (KindNotFound if there is none).
	Document(ctx context.Context, pathwayID string, version int) (string, error)
	// StagesOfKind returns the stage ids of the given kinds across the published and retired
	// versions of a pathway ("" for every pathway).
	StagesOfKind(ctx context.Context, pathwayID string, kinds ...string) ([]string, error)
}

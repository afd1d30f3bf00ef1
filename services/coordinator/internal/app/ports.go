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
	// The journey is started with the sealed referral only: the NHS number never reaches Temporal.
	Start(ctx context.Context, r domain.Referral, sealed domain.SealedReferral, fingerprint string) (journeyID string, created bool, err error)
	// State queries a journey's current view (KindNotFound for an unknown journey).
	State(ctx context.Context, journeyID string) (journey.View, error)
	// Update sends one transition as a Temporal update with the request id as update id and
	// waits for its answer.
	Update(ctx context.Context, journeyID, name, requestID string, arg any) (journey.UpdateResult, error)
	// List returns up to limit journeys matching a visibility query.
	List(ctx context.Context, query string, limit int) ([]Listed, error)
	// PCN returns the ODS code of the PCN the journey was referred in, without involving the
	// journey's worker; domain.JourneyNotFound for an unknown journey. A journey's PCN never
	// changes.
	PCN(ctx context.Context, journeyID string) (string, error)
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
	// Patient returns the patient reference of the journey's ReferralReceived (domain.JourneyNotFound
	// when the stream has no events; legacy=true, ref empty, for a journey recorded before patient
	// references, whose NHS number is in clear in its stream).
	Patient(ctx context.Context, journeyID string) (ref string, legacy bool, err error)
}

// Patients holds every patient's data key (the vault, services/platform/patientkeys): the one place
// an NHS number is turned into a pseudonymous reference, and identifying fields sealed and opened.
type Patients interface {
	PatientRef(ctx context.Context, nhsNumber string) (string, error)
	Seal(ctx context.Context, ref, purpose string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, ref, purpose string, sealed []byte) ([]byte, error)
	// Erase destroys the patient's data key; false when there was none (already erased).
	Erase(ctx context.Context, ref string) (bool, error)
}

// Purposes of sealed fields: each is sealed for one, and opens only for it.
const (
	PurposeNHSNumber      = "nhs_number"
	PurposeReferralReason = "referral_reason"
	PurposeNote           = "note"
)

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

// AccessTrail keeps the access audit trail, one stream a day (UTC).
type AccessTrail interface {
	// Append records one entry in the stream of its day. Appending the same entry again (a
	// retry) stores it once.
	Append(ctx context.Context, a domain.Access) error
	// ReadDay returns up to limit entries recorded on the UTC day of day, from position from of
	// that day's stream, oldest first (none for a day without entries).
	ReadDay(ctx context.Context, day time.Time, from uint64, limit int) ([]RecordedAccess, error)
}

// RecordedAccess is an entry read back with its position in its day's stream.
type RecordedAccess struct {
	Access   domain.Access
	Position uint64
}

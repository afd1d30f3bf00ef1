package journey

import (
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

// TaskQueue is the task queue the worker polls for journey workflows and their activities.
const TaskQueue = "pathways-journeys"

// WorkflowName is the registered name of the journey workflow.
const WorkflowName = "Journey"

// QueryState is the query returning the journey's current View.
const QueryState = "state"

// Update names. Each update's ID must be the caller's request ID: a retried request returns the
// first answer and changes nothing.
const (
	UpdateTriage               = "Triage"
	UpdateScheduleIntervention = "ScheduleIntervention"
	UpdateStartIntervention    = "StartIntervention"
	UpdateCompleteIntervention = "CompleteIntervention"
	UpdateRecordDidNotAttend   = "RecordDidNotAttend"
	UpdateRecordOutcome        = "RecordOutcome"
	UpdateDischarge            = "Discharge"
	UpdateCancel               = "Cancel"
	UpdateMigrateVersion       = "MigrateVersion"
	UpdateRecordAdmission      = "RecordAdmission"
)

// Application error types: business failures are non-retryable application errors with these
// stable type names (callers map them to gRPC codes).
const (
	// ErrInvalidRequest: a request field breaks a rule; details carry FieldViolations.
	ErrInvalidRequest = "InvalidRequest"
	// ErrInvalidTransition: the request is not allowed at the journey's current stage or status.
	ErrInvalidTransition = "InvalidTransition"
	// ErrNotEligible: an eligibility rule of the pinned version does not hold.
	ErrNotEligible = "NotEligible"
	// ErrJourneyClosed: the journey was discharged and closed, or cancelled.
	ErrJourneyClosed = "JourneyClosed"
	// ErrIncompatibleVersion: a MigrateVersion target cannot take the journey at its stage.
	ErrIncompatibleVersion = "IncompatibleVersion"
	// ErrPathwayVersionNotFound: governance has no version of the pathway in effect at the time.
	ErrPathwayVersionNotFound = "PathwayVersionNotFound"
	// ErrInvalidPathwayDefinition: the pathway document does not parse or validate.
	ErrInvalidPathwayDefinition = "InvalidPathwayDefinition"
	// ErrStreamConflict: the journey stream holds events this workflow did not write.
	ErrStreamConflict = "JourneyStreamConflict"
	// ErrIngestRejected: an ingest service refused a push (same event ID, different content).
	ErrIngestRejected = "IngestRejected"
)

// FieldViolation names a request field and the rule it broke; it is the detail of an
// ErrInvalidRequest application error.
type FieldViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

// JourneyID returns the journey (and workflow) ID of a referral. One referral can only ever have
// one journey: the workflow ID is derived from the referral ID and StartOptions refuses a second
// start.
func JourneyID(referralID string) string { //nolint:revive // the name the coordinator and devstack use: journey.JourneyID(referralID)
	return "ref-" + strings.TrimSpace(referralID)
}

// StartOptions returns the options to start the journey of a referral: workflow ID = JourneyID,
// a reuse policy refusing any second run under the ID (even after the first closed) and a conflict
// policy failing a start while one runs; a second start fails with
// *serviceerror.WorkflowExecutionAlreadyStarted. The initial search attributes let the new journey appear
// on worklists at once.
func StartOptions(r Referral) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       JourneyID(r.ReferralID),
		TaskQueue:                TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// Without it the client would hand back the existing run instead of refusing.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    referralSearchAttributes(r),
	}
}

// Referral is what starts a journey. The patient travels as a pseudonymous PatientRef; their
// NHS number and the reason for referral arrive sealed with the patient's data key (by the
// coordinator, which holds the keys), are recorded as such in ReferralReceived, and never reach
// logs, search attributes or the journey's carried state. The workflow cannot read them.
//
// NHSNumber (in clear) is only ever set in the histories of journeys started before patient
// references; a journey started now refuses it.
type Referral struct {
	ReferralID      string                   `json:"referralId"`
	PathwayID       string                   `json:"pathwayId"`
	NHSNumber       string                   `json:"nhsNumber,omitempty"`
	PatientRef      string                   `json:"patientRef,omitempty"`
	NHSNumberSealed []byte                   `json:"nhsNumberSealed,omitempty"`
	ReasonSealed    []byte                   `json:"reasonSealed,omitempty"`
	PCN             string                   `json:"pcn"`
	Segment         journeyv1.Segment        `json:"segment"`
	Source          journeyv1.ReferralSource `json:"source"`
	ReferredAt      time.Time                `json:"referredAt"`
}

// MaxSealedBytes bounds a sealed field (a note of at most 500 characters sealed takes well under).
const MaxSealedBytes = 4096

// Input is the journey workflow's argument. Carried is set only by continue-as-new.
type Input struct {
	Referral Referral `json:"referral"`
	Options  Options  `json:"options"`
	Carried  *State   `json:"carried,omitempty"`
}

// Options tune the workflow; zero values take the defaults.
type Options struct {
	// ContinueAsNewAfter is the history length (events) after which the journey continues as new
	// even if the server has not suggested it yet. Default 5000.
	ContinueAsNewAfter int `json:"continueAsNewAfter,omitempty"`
	// FollowUpWindowDays is how long after the last follow-up falls due the journey stays open to
	// record its outcome. Default 42.
	FollowUpWindowDays int `json:"followUpWindowDays,omitempty"`
}

// Score is one outcome measure score, on the scale it was taken on.
type Score struct {
	Measure string  `json:"measure"`
	Value   float64 `json:"value"`
	Scale   string  `json:"scale,omitempty"`
}

// TriageRequest records the triage decision: a disposition of the pinned version and the baseline
// measures.
type TriageRequest struct {
	Disposition string  `json:"disposition"`
	Baseline    []Score `json:"baseline,omitempty"`
	RequestedBy string  `json:"requestedBy"`
}

// ScheduleInterventionRequest books an intervention of the pinned catalogue.
type ScheduleInterventionRequest struct {
	Intervention string    `json:"intervention"`
	ScheduledFor time.Time `json:"scheduledFor"`
	RequestedBy  string    `json:"requestedBy"`
}

// InterventionRequest names a scheduled intervention of the journey (StartIntervention,
// CompleteIntervention, RecordDidNotAttend).
type InterventionRequest struct {
	InterventionID string `json:"interventionId"`
	RequestedBy    string `json:"requestedBy"`
}

// OutcomeRequest records measures at a collection point ("baseline", "review", "discharge",
// "follow-up-3m", ...).
type OutcomeRequest struct {
	CollectionPoint string  `json:"collectionPoint"`
	Measures        []Score `json:"measures"`
	RequestedBy     string  `json:"requestedBy"`
}

// DischargeRequest ends active care. Stage optionally names the discharge stage when the version
// has more than one reachable.
// Reason is a discharge reason code of the pinned version; NoteSealed an optional note sealed
// with the patient's data key.
type DischargeRequest struct {
	Reason      string `json:"reason"`
	Stage       string `json:"stage,omitempty"`
	RequestedBy string `json:"requestedBy"`
	NoteSealed  []byte `json:"noteSealed,omitempty"`
}

// CancelRequest cancels the journey.
// Reason is a cancel reason code of the pinned version; NoteSealed an optional sealed note.
type CancelRequest struct {
	Reason      string `json:"reason"`
	RequestedBy string `json:"requestedBy"`
	NoteSealed  []byte `json:"noteSealed,omitempty"`
}

// AdmissionRequest records an unplanned hospital admission, once the patient has left hospital.
// Reason is a short code such as "copd-exacerbation".
type AdmissionRequest struct {
	AdmittedAt   time.Time `json:"admittedAt"`
	DischargedAt time.Time `json:"dischargedAt"`
	Reason       string    `json:"reason"`
	RequestedBy  string    `json:"requestedBy"`
}

// MigrateVersionRequest moves the journey to another version of its pathway. DefinitionYAML is the
// target version's document (from governance); DryRun checks compatibility and changes nothing.
type MigrateVersionRequest struct {
	TargetVersion  int    `json:"targetVersion"`
	DefinitionYAML string `json:"definitionYaml"`
	Reason         string `json:"reason"`
	RequestedBy    string `json:"requestedBy"`
	DryRun         bool   `json:"dryRun,omitempty"`
	NoteSealed     []byte `json:"noteSealed,omitempty"`
}

// UpdateResult answers an update. A retried request ID gets the same answer again.
type UpdateResult struct {
	RequestID string `json:"requestId"`
	Stage     string `json:"stage"`
	// Revision is the journey stream's last revision after the update (-1: empty stream).
	Revision int64 `json:"revision"`
	// Events lists the types of the events the update appended, in order.
	Events []string `json:"events,omitempty"`
	// InterventionID names the intervention a ScheduleIntervention created.
	InterventionID string `json:"interventionId,omitempty"`
	// Version is the pinned version after the update.
	Version int `json:"version"`
	// AdmissionID names the admission a RecordAdmission recorded ("adm-<n>").
	AdmissionID string `json:"admissionId,omitempty"`
}

package domain

import (
	"fmt"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// FieldViolation names a request field and the rule it broke.
type FieldViolation = fault.FieldViolation

// ValidationError is bad input: every field that broke a rule. Nothing was changed.
type ValidationError = fault.ValidationError

// Violations collects field violations; Err returns nil when there are none. (The coordinator's
// spelling of fault.Violations: Add takes the error of a rule check.)
type Violations []FieldViolation

// Add records a violation when err is not nil.
func (v *Violations) Add(field string, err error) { (*fault.Violations)(v).AddErr(field, err) }

// Addf records a violation.
func (v *Violations) Addf(field, format string, args ...any) {
	(*fault.Violations)(v).Add(field, format, args...)
}

// Err returns a *ValidationError, or nil when nothing was recorded.
func (v Violations) Err() error { return fault.Violations(v).Err() }

// Kind classifies a refusal that is not bad input.
type Kind = fault.Kind

// The kinds of refusal the coordinator answers.
const (
	// KindNotFound: the journey does not exist.
	KindNotFound = fault.NotFound
	// KindAlreadyExists: the referral id was used for a different referral.
	KindAlreadyExists = fault.AlreadyExists
	// KindFailedPrecondition: the request is not allowed at the journey's current stage.
	KindFailedPrecondition = fault.FailedPrecondition
	// KindAborted: the journey changed while the request was being decided (a lost race).
	KindAborted = fault.Aborted
	// KindPermissionDenied: the caller lacks the role.
	KindPermissionDenied = fault.PermissionDenied
	// KindUnavailable: a dependency (Temporal, governance) did not answer.
	KindUnavailable = fault.Unavailable
	// KindUnimplemented: the journey worker does not handle the request (older than this service).
	KindUnimplemented = fault.Unimplemented
)

// Error is a refusal of a given Kind. A refusal at a known stage carries it (see AtStage).
type Error = fault.Error

// Refuse builds an *Error.
func Refuse(kind Kind, format string, args ...any) *Error { return fault.New(kind, format, args...) }

// The ErrorInfo a refusal at a stage carries: its domain, its reasons, the metadata key.
const (
	errorDomain          = "pathways.coordinator"
	reasonNotAllowed     = "TRANSITION_NOT_ALLOWED"
	reasonJourneyChanged = "JOURNEY_CHANGED"
	stageKey             = "stage"
)

// AtStage builds a refusal of kind naming the journey's current stage, caused by cause: callers
// read the stage from its ErrorInfo (reason TRANSITION_NOT_ALLOWED, or JOURNEY_CHANGED for a lost
// race; metadata "stage").
func AtStage(kind Kind, stage string, cause error, format string, args ...any) *Error {
	reason := reasonNotAllowed
	if kind == KindAborted {
		reason = reasonJourneyChanged
	}
	e := &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: cause}
	if stage == "" {
		return e
	}
	return e.With(fault.Info{Reason: reason, Domain: errorDomain, Metadata: map[string]string{stageKey: stage}})
}

// StageOf returns the journey stage a refusal names, or "".
func StageOf(e *Error) string {
	if e == nil || e.Info == nil {
		return ""
	}
	return e.Info.Metadata[stageKey]
}

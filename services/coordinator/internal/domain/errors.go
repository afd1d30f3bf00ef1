package domain

import (
	"fmt"
	"strings"
)

// FieldViolation names a request field and the rule it broke.
type FieldViolation struct {
	Field       string
	Description string
}

// ValidationError is bad input: every field that broke a rule. Nothing was changed.
type ValidationError struct {
	Violations []FieldViolation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Violations collects field violations; Err returns nil when there are none.
type Violations []FieldViolation

// Add records a violation when err is not nil.
func (v *Violations) Add(field string, err error) {
	if err != nil {
		*v = append(*v, FieldViolation{Field: field, Description: err.Error()})
	}
}

// Addf records a violation.
func (v *Violations) Addf(field, format string, args ...any) {
	*v = append(*v, FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Err returns a *ValidationError, or nil when nothing was recorded.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Violations: v}
}

// Kind classifies a refusal that is not bad input.
type Kind int

// Kinds of Error.
const (
	// KindNotFound: the journey does not exist.
	KindNotFound Kind = iota + 1
	// KindAlreadyExists: the referral id was used for a different referral.
	KindAlreadyExists
	// KindFailedPrecondition: the request is not allowed at the journey's current stage.
	KindFailedPrecondition
	// KindAborted: the journey changed while the request was being decided (a lost race).
	KindAborted
	// KindPermissionDenied: the caller lacks the role.
	KindPermissionDenied
	// KindUnavailable: a dependency (Temporal, governance) did not answer.
	KindUnavailable
	// KindUnimplemented: the journey worker does not handle the request (older than this service).
	KindUnimplemented
)

// Error is a refusal of a given Kind. Stage names the journey's current stage when known.
type Error struct {
	Kind    Kind
	Message string
	Stage   string
	Err     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Refuse builds an *Error.
func Refuse(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

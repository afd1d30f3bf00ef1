package domain

import (
	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// Kind classifies a domain error so that ports can map it to a transport status.
type Kind = fault.Kind

// The kinds of domain error governance answers.
const (
	KindNotFound           = fault.NotFound
	KindPermissionDenied   = fault.PermissionDenied
	KindFailedPrecondition = fault.FailedPrecondition
	// KindConflict: the pathway changed under the caller (a lost race); answered as Aborted.
	KindConflict = fault.Aborted
)

// Error is a rule violation of one Kind with a message a person can act on.
// errors.Is(err, ErrNotFound) (and the other sentinels) matches any Error of the same kind.
type Error = fault.Error

// Sentinels for errors.Is.
var (
	ErrNotFound           = &Error{Kind: KindNotFound}
	ErrPermissionDenied   = &Error{Kind: KindPermissionDenied}
	ErrFailedPrecondition = &Error{Kind: KindFailedPrecondition}
	ErrConflict           = &Error{Kind: KindConflict}
)

func notFound(format string, args ...any) error { return fault.New(KindNotFound, format, args...) }

func denied(format string, args ...any) error {
	return fault.New(KindPermissionDenied, format, args...)
}

func precondition(format string, args ...any) error {
	return fault.New(KindFailedPrecondition, format, args...)
}

// Conflictf builds a KindConflict error: the state changed under the caller (a lost race).
func Conflictf(format string, args ...any) error { return fault.New(KindConflict, format, args...) }

// FieldViolation names one bad input field and the rule it breaks.
type FieldViolation = fault.FieldViolation

// ValidationError lists every problem with a request's input. Nothing was changed.
type ValidationError = fault.ValidationError

// Violations collects field violations; Err returns nil when there are none.
type Violations = fault.Violations

// PathwayNotFound is the NotFound error for a pathway with no versions.
func PathwayNotFound(id string) error { return notFound("pathway %q does not exist", id) }

package domain

import (
	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// Violation is one broken rule of a request field.
type Violation = fault.FieldViolation

// ValidationError lists every rule a request breaks. Nothing was changed.
type ValidationError = fault.ValidationError

// Violations collects violations; Err returns nil when there are none.
type Violations = fault.Violations

// Invalid returns a ValidationError with a single violation.
func Invalid(field, format string, args ...any) error { return fault.Invalid(field, format, args...) }

// Kind classifies a domain Error for the ports.
type Kind = fault.Kind

// The kinds of domain error finance answers.
const (
	KindNotFound           = fault.NotFound
	KindFailedPrecondition = fault.FailedPrecondition
	KindAlreadyExists      = fault.AlreadyExists
	KindPermissionDenied   = fault.PermissionDenied
	// KindConflict: the contract changed under the caller (a lost race); answered as Aborted.
	KindConflict = fault.Aborted
)

// Error is a rule violation that is not about one field's shape.
type Error = fault.Error

// Errorf builds an Error of kind.
func Errorf(kind Kind, format string, args ...any) error { return fault.New(kind, format, args...) }

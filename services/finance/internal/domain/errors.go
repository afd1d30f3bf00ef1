package domain

import (
	"fmt"
	"strings"
)

// Violation is one broken rule of a request field.
type Violation struct {
	Field       string
	Description string
}

// ValidationError lists every rule a request breaks. Nothing was changed.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Violations collects violations; Err returns nil when there are none.
type Violations []Violation

// Add records a violation of field.
func (vs *Violations) Add(field, format string, args ...any) {
	*vs = append(*vs, Violation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Err returns the ValidationError of the collected violations, or nil.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
}

// Invalid returns a ValidationError with a single violation.
func Invalid(field, format string, args ...any) error {
	var vs Violations
	vs.Add(field, format, args...)
	return vs.Err()
}

// Kind classifies a domain Error for the ports.
type Kind int

// Kinds of domain errors.
const (
	KindNotFound Kind = iota + 1
	KindFailedPrecondition
	KindAlreadyExists
	KindPermissionDenied
	KindConflict
)

// Error is a rule violation that is not about one field's shape.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an Error of kind.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

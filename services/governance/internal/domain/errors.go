package domain

import (
	"fmt"
	"strings"
)

// Kind classifies a domain error so that ports can map it to a transport status.
type Kind int

// The kinds of domain error.
const (
	KindNotFound Kind = iota + 1
	KindPermissionDenied
	KindFailedPrecondition
	KindConflict
)

// Error is a rule violation of one Kind with a message a person can act on.
// errors.Is(err, ErrNotFound) (and the other sentinels) matches any Error of the same kind.
type Error struct {
	Kind Kind
	Msg  string
}

// Sentinels for errors.Is.
var (
	ErrNotFound           = &Error{Kind: KindNotFound}
	ErrPermissionDenied   = &Error{Kind: KindPermissionDenied}
	ErrFailedPrecondition = &Error{Kind: KindFailedPrecondition}
	ErrConflict           = &Error{Kind: KindConflict}
)

func (e *Error) Error() string {
	if e.Msg == "" {
		return [...]string{"", "not found", "permission denied", "failed precondition", "conflict"}[e.Kind]
	}
	return e.Msg
}

// Is reports whether target is a sentinel of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Kind == e.Kind
}

func notFound(format string, args ...any) error {
	return &Error{Kind: KindNotFound, Msg: fmt.Sprintf(format, args...)}
}

func denied(format string, args ...any) error {
	return &Error{Kind: KindPermissionDenied, Msg: fmt.Sprintf(format, args...)}
}

func precondition(format string, args ...any) error {
	return &Error{Kind: KindFailedPrecondition, Msg: fmt.Sprintf(format, args...)}
}

// Conflictf builds a KindConflict error: the state changed under the caller (a lost race).
func Conflictf(format string, args ...any) error {
	return &Error{Kind: KindConflict, Msg: fmt.Sprintf(format, args...)}
}

// FieldViolation names one bad input field and the rule it breaks.
type FieldViolation struct {
	Field       string
	Description string
}

// ValidationError lists every problem with a request's input. Nothing was changed.
type ValidationError struct {
	Violations []FieldViolation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Violations collects field violations; Err returns nil when there are none.
type Violations []FieldViolation

// Add records a violation.
func (v *Violations) Add(field, format string, args ...any) {
	*v = append(*v, FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Err returns a *ValidationError holding the violations, or nil.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Violations: v}
}

// PathwayNotFound is the NotFound error for a pathway with no versions.
func PathwayNotFound(id string) error { return notFound("pathway %q does not exist", id) }

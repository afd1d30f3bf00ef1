// Package fault is the vocabulary every service's domain uses to refuse a request: a
// ValidationError listing the fields that broke a rule, and an Error of a Kind (not found, a
// precondition, a lost race, ...) that may carry a machine-readable reason. It has no transport
// dependency: platform/rpcerr maps these errors to gRPC status.
package fault

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

// Add records a violation of field, described by format and args.
func (v *Violations) Add(field, format string, args ...any) {
	*v = append(*v, FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// AddErr records a violation of field described by err, when err is not nil.
func (v *Violations) AddErr(field string, err error) {
	if err != nil {
		*v = append(*v, FieldViolation{Field: field, Description: err.Error()})
	}
}

// Err returns a *ValidationError holding the violations, or nil when there are none.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Violations: v}
}

// Invalid returns a *ValidationError with the one violation of field.
func Invalid(field, format string, args ...any) error {
	var v Violations
	v.Add(field, format, args...)
	return v.Err()
}

package domain

import (
	"errors"
	"fmt"
	"strings"
)

// ErrReusedEventID is returned when an event ID already applied arrived again with different content.
var ErrReusedEventID = errors.New("event id already applied with different content")

// FieldViolation names a request field and the rule it broke.
type FieldViolation struct {
	Field       string
	Description string
}

// ValidationError lists every field violation of a request.
type ValidationError struct{ Violations []FieldViolation }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Description
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// violations collects field violations.
type violations []FieldViolation

func (vs *violations) add(field, format string, args ...any) {
	*vs = append(*vs, FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

func (vs violations) err() error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
}

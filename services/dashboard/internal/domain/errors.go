package domain

import (
	"errors"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// ErrReusedEventID is returned when an event ID already applied arrived again with different content.
var ErrReusedEventID = errors.New("event id already applied with different content")

// FieldViolation names a request field and the rule it broke.
type FieldViolation = fault.FieldViolation

// ValidationError lists every field violation of a request.
type ValidationError = fault.ValidationError

// violations collects field violations (fault.Violations, spelt for this package).
type violations fault.Violations

func (vs *violations) add(field, format string, args ...any) {
	(*fault.Violations)(vs).Add(field, format, args...)
}

func (vs violations) err() error { return fault.Violations(vs).Err() }

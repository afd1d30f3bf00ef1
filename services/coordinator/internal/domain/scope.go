package domain

import (
	"errors"
	"slices"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// Scope is how far a coordinator reaches: the PCNs (ODS codes) of their access token. They see
// and change only journeys of these PCNs; an empty Scope reaches nothing. It is a value; safe to
// share.
type Scope struct {
	pcns []string
}

// NewScope returns the scope of a caller whose token names orgs: the ODS codes among them that
// are PCN codes ('U' and 5 digits), sorted, without repeats. Other organisations (a provider's
// code) give no access to journeys.
func NewScope(orgs []string) Scope {
	var pcns []string
	for _, o := range orgs {
		if ValidatePCNCode(o) == nil {
			pcns = append(pcns, o)
		}
	}
	slices.Sort(pcns)
	return Scope{pcns: slices.Compact(pcns)}
}

// PCNs returns the PCN ODS codes of the scope, sorted (valid codes only: safe to quote into a
// visibility query).
func (s Scope) PCNs() []string { return slices.Clone(s.pcns) }

// Covers reports whether a journey of the PCN pcn is in scope.
func (s Scope) Covers(pcn string) bool {
	_, found := slices.BinarySearch(s.pcns, pcn)
	return found
}

// Empty reports whether the scope reaches nothing.
func (s Scope) Empty() bool { return len(s.pcns) == 0 }

// ErrOutsideScope marks a refusal because what was asked for lies outside the caller's PCNs,
// whatever the caller was told (errors.Is): the access audit trail records it as refused.
var ErrOutsideScope = errors.New("outside the caller's PCNs")

// JourneyNotFound is the answer for a journey that does not exist, and, word for word, for a
// journey of a PCN outside the caller's scope (HiddenJourney): the answer never confirms that
// a journey exists.
func JourneyNotFound(journeyID string) *Error {
	return Refuse(KindNotFound, "journey %s not found", journeyID)
}

// HiddenJourney is the refusal of a journey outside the caller's scope: to the caller it is
// JourneyNotFound exactly (errors.As finds that *Error); errors.Is(err, ErrOutsideScope) tells
// the service's own audit trail what happened.
func HiddenJourney(journeyID string) error {
	return scopeError{answer: JourneyNotFound(journeyID)}
}

// reasonPCNNotInScope is the ErrorInfo reason of PCNNotInScope; its metadata "field" names the
// request field.
const reasonPCNNotInScope = "PCN_NOT_IN_SCOPE"

// PCNNotInScope refuses a request naming (in field) a PCN outside the caller's scope:
// KindPermissionDenied naming the field, with an ErrorInfo (reason PCN_NOT_IN_SCOPE, metadata
// "field"). errors.Is(err, ErrOutsideScope) holds.
func PCNNotInScope(field, pcn string, s Scope) error {
	yours := "none"
	if !s.Empty() {
		yours = strings.Join(s.pcns, ", ")
	}
	e := Refuse(KindPermissionDenied, "%s: %s is not one of the PCNs in your access token (%s)", field, pcn, yours).
		With(fault.Info{Reason: reasonPCNNotInScope, Domain: errorDomain, Metadata: map[string]string{"field": field}})
	return scopeError{answer: e}
}

// scopeError is an answer (an *Error the caller sees) marked as ErrOutsideScope.
type scopeError struct{ answer *Error }

func (e scopeError) Error() string   { return e.answer.Error() }
func (e scopeError) Unwrap() []error { return []error{e.answer, ErrOutsideScope} }

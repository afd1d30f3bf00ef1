package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Outcome is what a recorded call came to. The numbers are those of the API's AccessOutcome.
type Outcome int

// The outcomes.
const (
	// OutcomeAllowed: the call succeeded; the caller read or changed what the entry names.
	OutcomeAllowed Outcome = iota + 1
	// OutcomeRefused: refused for access (ErrOutsideScope, a missing role), whatever the caller
	// was told (a journey of another PCN answers NotFound).
	OutcomeRefused
	// OutcomeNotFound: the journey does not exist.
	OutcomeNotFound
	// OutcomeFailed: anything else that did not succeed (bad input, wrong stage, a failure).
	OutcomeFailed
)

// Access is one entry of the access audit trail: who (subject, display name, organisations of
// their token, or the calling service), what (method, journeys, request id), what it came to
// (outcome and the gRPC code answered), when, and from where (peer address and
// X-Forwarded-For). It names journeys, never a patient. ID is the trail's own, set when the
// entry is read back.
type Access struct {
	ID           string
	At           time.Time
	Subject      string
	Actor        string
	Service      string
	Orgs         []string
	Method       string
	JourneyIDs   []string
	Outcome      Outcome
	Code         string
	Peer         string
	ForwardedFor string
	RequestID    string
	// Reason is the reason the caller gave, for calls that need one (ErasePatient).
	Reason string
	// PatientRef is the pseudonymous patient the call concerned (ErasePatient).
	PatientRef string
}

// Day is the UTC day an entry instant belongs to, as the trail's streams are named (2026-03-02).
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Names reports whether the entry names the journey.
func (a Access) Names(journeyID string) bool {
	return slices.Contains(a.JourneyIDs, journeyID)
}

// Page sizes and the widest range of ListAccess.
const (
	DefaultAccessPageSize = 100
	MaxAccessPageSize     = 500
	MaxAccessRange        = 366 * 24 * time.Hour
	maxSubjectLength      = 255
)

// AccessQuery asks for one page of the access audit trail: entries at or after From and
// before To (zero: now), of one Subject and naming one JourneyID when those are set.
type AccessQuery struct {
	From      time.Time
	To        time.Time
	Subject   string
	JourneyID string
	PageSize  int
	PageToken string
}

// Validate checks the query against now (the end of an open range) and applies the default
// page size.
func (q *AccessQuery) Validate(now time.Time) error {
	var v Violations
	to := q.End(now)
	switch {
	case q.From.IsZero():
		v.Addf("from", "is required: the start of the range (RFC 3339)")
	case !to.After(q.From):
		v.Addf("to", "must be after from")
	case to.Sub(q.From) > MaxAccessRange:
		v.Addf("from", "must be at most 366 days before to (or now, when to is not set)")
	}
	if n := utf8.RuneCountInString(q.Subject); n > maxSubjectLength || !utf8.ValidString(q.Subject) {
		v.Addf("subject", "must be a token subject of at most %d characters", maxSubjectLength)
	}
	if q.JourneyID != "" && !ValidJourneyID(q.JourneyID) {
		v.Addf("journey_id", "must be a journey id (e.g. ref-R-1001)")
	}
	switch {
	case q.PageSize < 0 || q.PageSize > MaxAccessPageSize:
		v.Addf("page_size", "must be between 0 and %d", MaxAccessPageSize)
	case q.PageSize == 0:
		q.PageSize = DefaultAccessPageSize
	}
	return v.Err()
}

// End is the end of the range: To, or now when To is not set.
func (q AccessQuery) End(now time.Time) time.Time {
	if q.To.IsZero() {
		return now
	}
	return q.To
}

// Matches reports whether an entry recorded before end is one the query asks for.
func (q AccessQuery) Matches(a Access, end time.Time) bool {
	return !a.At.Before(q.From) && a.At.Before(end) &&
		(q.Subject == "" || a.Subject == q.Subject) && (q.JourneyID == "" || a.Names(q.JourneyID))
}

// Fingerprint identifies the query's filters as asked (not the page), so a page token is
// refused with other filters.
func (q AccessQuery) Fingerprint() string {
	var to string
	if !q.To.IsZero() {
		to = q.To.UTC().Format(time.RFC3339Nano)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{q.From.UTC().Format(time.RFC3339Nano), to, q.Subject, q.JourneyID}, "\x00")))
	return hex.EncodeToString(sum[:6])
}

package domain

import "time"

// EventContext is carried by every governance event: the version concerned, who (Subject, the
// stable identifier the four-eyes rules compare, and Actor, the name shown), when and why.
type EventContext struct {
	Version int
	Actor   string // the name shown; never used to tell people apart
	Subject string // Principal.ID() of the caller; empty in events recorded before subjects were
	At      time.Time
	Reason  string
}

// Context returns the event's context.
func (c EventContext) Context() EventContext { return c }

// ActorID identifies who caused the event: Subject, or, for an event recorded before events
// carried subjects (Subject empty), the recorded Actor name, so that four-eyes holds by name
// for those older events.
func (c EventContext) ActorID() string {
	if c.Subject != "" {
		return c.Subject
	}
	return c.Actor
}

// legacy reports whether the event was recorded before events carried subjects.
func (c EventContext) legacy() bool { return c.Subject == "" }

// contextOf is the context of an event who causes now.
func contextOf(who Principal, version int, now time.Time, reason string) EventContext {
	return EventContext{Version: version, Actor: who.Actor, Subject: who.ID(), At: now, Reason: reason}
}

// Event is a governance domain event stored in the pathway's stream.
type Event interface {
	Context() EventContext
	// Type is the stable event type name.
	Type() string
}

// DraftCreated opens a draft version, empty or copied from BasedOn.
type DraftCreated struct {
	EventContext
	PathwayID string
	BasedOn   int
	Title     string
	OwningEOG string
	Document  []byte
}

// DraftUpdated replaces a draft's document.
type DraftUpdated struct {
	EventContext
	Title    string
	Document []byte
}

// SubmittedForReview puts a draft in review.
type SubmittedForReview struct{ EventContext }

// ReviewApproved records one reviewer's approval (the actor).
type ReviewApproved struct{ EventContext }

// ChangesRequested records a reviewer's request for changes.
type ChangesRequested struct {
	EventContext
	Comments []Comment
}

// ApprovalsReset clears a version's approvals.
type ApprovalsReset struct {
	EventContext
	Cleared         []string // names shown
	ClearedSubjects []string // their subjects, in the same order; empty in older events
}

// VersionApproved records that the version reached its required approvals.
type VersionApproved struct {
	EventContext
	Reviewers        []string // names shown
	ReviewerSubjects []string // their subjects, in the same order; empty in older events
}

// Published makes a version effective from EffectiveFrom.
type Published struct {
	EventContext
	EffectiveFrom time.Time
}

// EffectivePeriodChanged moves the end of a published version's effective period (zero: open).
type EffectivePeriodChanged struct {
	EventContext
	EffectiveTo time.Time
	CausedBy    int
}

// Retired withdraws a published version.
type Retired struct{ EventContext }

// Type is "DraftCreated".
func (DraftCreated) Type() string { return "DraftCreated" }

// Type is "DraftUpdated".
func (DraftUpdated) Type() string { return "DraftUpdated" }

// Type is "SubmittedForReview".
func (SubmittedForReview) Type() string { return "SubmittedForReview" }

// Type is "ReviewApproved".
func (ReviewApproved) Type() string { return "ReviewApproved" }

// Type is "ChangesRequested".
func (ChangesRequested) Type() string { return "ChangesRequested" }

// Type is "ApprovalsReset".
func (ApprovalsReset) Type() string { return "ApprovalsReset" }

// Type is "VersionApproved".
func (VersionApproved) Type() string { return "VersionApproved" }

// Type is "Published".
func (Published) Type() string { return "Published" }

// Type is "EffectivePeriodChanged".
func (EffectivePeriodChanged) Type() string { return "EffectivePeriodChanged" }

// Type is "Retired".
func (Retired) Type() string { return "Retired" }

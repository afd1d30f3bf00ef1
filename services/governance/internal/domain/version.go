package domain

import (
	"slices"
	"time"
)

// Status is the review state of a pathway version.
type Status int

// The review states, in their usual order.
const (
	StatusDraft Status = iota + 1
	StatusInReview
	StatusChangesRequested
	StatusApproved
	StatusPublished
	StatusRetired
)

func (s Status) String() string {
	switch s {
	case StatusDraft:
		return "draft"
	case StatusInReview:
		return "in_review"
	case StatusChangesRequested:
		return "changes_requested"
	case StatusApproved:
		return "approved"
	case StatusPublished:
		return "published"
	case StatusRetired:
		return "retired"
	}
	return "unknown"
}

// FHIRStatus is the FHIR R4 PlanDefinition.status the review state maps onto:
// every state before publication is "draft", published is "active", retired is "retired".
func (s Status) FHIRStatus() string {
	switch s {
	case StatusPublished:
		return "active"
	case StatusRetired:
		return "retired"
	case StatusDraft, StatusInReview, StatusChangesRequested, StatusApproved:
		return "draft"
	}
	return "draft"
}

// Open reports whether the version is still being drafted or reviewed.
func (s Status) Open() bool { return s >= StatusDraft && s <= StatusApproved }

// Approval is one reviewer's approval: Subject identifies the reviewer, Reviewer is the name shown.
type Approval struct {
	Reviewer string
	Subject  string // the recorded name for an approval recorded before events carried subjects
	At       time.Time
	Comment  string
}

// Comment is a reviewer's comment, optionally on one path of the document.
type Comment struct {
	Path string
	Text string
}

// Period is an effective period: Start inclusive, End exclusive, a zero End is open.
// A period whose End equals its Start is empty (a publication withdrawn before it took effect).
type Period struct {
	Start time.Time
	End   time.Time
}

// Contains reports whether t falls inside the period.
func (p Period) Contains(t time.Time) bool {
	if p.Start.IsZero() || t.Before(p.Start) {
		return false
	}
	return p.End.IsZero() || t.Before(p.End)
}

// Empty reports whether the period can never contain a time.
func (p Period) Empty() bool { return p.Start.IsZero() || (!p.End.IsZero() && !p.End.After(p.Start)) }

// Version is one version of a pathway as rebuilt from its events (a FHIR PlanDefinition).
//
// People are identified by subject (Principal.ID(): the verified token's subject); the names
// beside the subjects are only shown. For events recorded before events carried subjects, the
// recorded name stands in as the subject (EventContext.ActorID).
type Version struct {
	PathwayID        string
	Number           int
	Status           Status
	Title            string
	OwningEOG        string
	BasedOn          int
	Document         []byte // canonical YAML; empty for an empty draft
	Revision         int64  // bumped by every event about this version: the concurrency token
	CreatedBy        string // name shown
	CreatedBySubject string
	// AuthorSubjects are the subjects of the creator and every editor: never approvers.
	// Authors are their names as shown, Authors[i] the name AuthorSubjects[i] first acted under.
	Authors        []string
	AuthorSubjects []string
	CreatedAt      time.Time
	UpdatedAt      time.Time

	Approvals        []Approval
	RequestedChanges []Comment
	ApprovedAt       time.Time // FHIR approvalDate
	Reviewers        []string  // FHIR reviewer: the approvals that stood at approval (names shown)
	ReviewerSubjects []string  // their subjects, in the same order

	PublishedBy        string // FHIR endorser (name shown)
	PublishedBySubject string
	PublishedAt        time.Time
	EffectiveFrom      time.Time
	Effective          Period // FHIR effectivePeriod
	RetiredAt          time.Time

	// Names recorded without a subject (events written before events carried subjects), of
	// authors and of standing approvals: a caller shown under one of these names is treated as
	// that author or reviewer too, so a version open across the change keeps four-eyes.
	legacyAuthors, legacyApprovers []string
}

// Clone returns a deep copy, so callers cannot change the aggregate.
func (v *Version) Clone() Version {
	c := *v
	c.Document = slices.Clone(v.Document)
	c.Authors = slices.Clone(v.Authors)
	c.AuthorSubjects = slices.Clone(v.AuthorSubjects)
	c.Approvals = slices.Clone(v.Approvals)
	c.RequestedChanges = slices.Clone(v.RequestedChanges)
	c.Reviewers = slices.Clone(v.Reviewers)
	c.ReviewerSubjects = slices.Clone(v.ReviewerSubjects)
	c.legacyAuthors = slices.Clone(v.legacyAuthors)
	c.legacyApprovers = slices.Clone(v.legacyApprovers)
	return c
}

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

// Approval is one reviewer's approval.
type Approval struct {
	Reviewer string
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
type Version struct {
	PathwayID string
	Number    int
	Status    Status
	Title     string
	OwningEOG string
	BasedOn   int
	Document  []byte // canonical YAML; empty for an empty draft
	Revision  int64  // bumped by every event about this version: the concurrency token
	CreatedBy string
	Authors   []string // the creator and every editor: never approvers
	CreatedAt time.Time
	UpdatedAt time.Time

	Approvals        []Approval
	RequestedChanges []Comment
	ApprovedAt       time.Time // FHIR approvalDate
	Reviewers        []string  // FHIR reviewer: the approvals that stood at approval

	PublishedBy   string // FHIR endorser
	PublishedAt   time.Time
	EffectiveFrom time.Time
	Effective     Period // FHIR effectivePeriod
	RetiredAt     time.Time
}

// IsAuthor reports whether actor created or edited the version.
func (v *Version) IsAuthor(actor string) bool { return slices.Contains(v.Authors, actor) }

// ApprovedBy reports whether reviewer's approval currently stands.
func (v *Version) ApprovedBy(reviewer string) bool {
	return slices.ContainsFunc(v.Approvals, func(a Approval) bool { return a.Reviewer == reviewer })
}

// Clone returns a deep copy, so callers cannot change the aggregate.
func (v *Version) Clone() Version {
	c := *v
	c.Document = slices.Clone(v.Document)
	c.Authors = slices.Clone(v.Authors)
	c.Approvals = slices.Clone(v.Approvals)
	c.RequestedChanges = slices.Clone(v.RequestedChanges)
	c.Reviewers = slices.Clone(v.Reviewers)
	return c
}

package domain

import (
	"slices"
)

// Apply folds one event into the aggregate. Events are facts: Apply never refuses one.
// An event about an unknown version (other than DraftCreated) is ignored.
func (p *Pathway) Apply(e Event) {
	if c, ok := e.(DraftCreated); ok {
		p.applyCreated(c)
		return
	}
	ctx := e.Context()
	v := p.version(ctx.Version)
	if v == nil {
		return
	}
	v.Revision++
	v.UpdatedAt = ctx.At
	switch e := e.(type) {
	case DraftUpdated:
		v.Title, v.Document = e.Title, e.Document
		v.addAuthor(ctx)
	case SubmittedForReview:
		v.Status, v.RequestedChanges = StatusInReview, nil
	case ReviewApproved:
		v.addApproval(ctx)
	case VersionApproved:
		v.Status, v.ApprovedAt = StatusApproved, ctx.At
		v.Reviewers, v.ReviewerSubjects = slices.Clone(e.Reviewers), subjectsOr(e.ReviewerSubjects, e.Reviewers)
	case ChangesRequested:
		v.Status, v.RequestedChanges = StatusChangesRequested, slices.Clone(e.Comments)
	case ApprovalsReset:
		v.Approvals, v.ApprovedAt, v.Reviewers, v.ReviewerSubjects, v.legacyApprovers = nil, timeZero, nil, nil, nil
		if v.Status == StatusApproved {
			v.Status = StatusInReview
		}
	default:
		p.applyPublication(v, e)
	}
}

func (p *Pathway) applyPublication(v *Version, e Event) {
	ctx := e.Context()
	switch e := e.(type) {
	case Published:
		v.Status, v.PublishedBy, v.PublishedBySubject, v.PublishedAt = StatusPublished, ctx.Actor, ctx.ActorID(), ctx.At
		v.EffectiveFrom, v.Effective = e.EffectiveFrom, Period{Start: e.EffectiveFrom}
	case EffectivePeriodChanged:
		v.Effective.End = e.EffectiveTo
	case Retired:
		v.Status, v.RetiredAt = StatusRetired, ctx.At
	}
}

func (p *Pathway) applyCreated(e DraftCreated) {
	if p.OwningEOG == "" {
		p.OwningEOG = e.OwningEOG
	}
	v := &Version{
		PathwayID:        p.ID,
		Number:           e.Version,
		Status:           StatusDraft,
		Title:            e.Title,
		OwningEOG:        e.OwningEOG,
		BasedOn:          e.BasedOn,
		Document:         e.Document,
		Revision:         1,
		CreatedBy:        e.Actor,
		CreatedBySubject: e.ActorID(),
		CreatedAt:        e.At,
		UpdatedAt:        e.At,
	}
	v.addAuthor(e.EventContext)
	p.versions = append(p.versions, v)
}

// subjectsOr returns subjects, or, for an event recorded before events carried subjects (none
// recorded), the names standing in for them.
func subjectsOr(subjects, names []string) []string {
	if len(subjects) == 0 {
		return slices.Clone(names)
	}
	return slices.Clone(subjects)
}

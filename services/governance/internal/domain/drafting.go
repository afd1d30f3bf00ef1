package domain

import (
	"bytes"
	"time"
)

// NewDraft asks for a new draft version.
type NewDraft struct {
	FromVersion int       // 0 for an empty draft
	Document    *Document // the copied document renumbered to NextVersion; nil for an empty draft
	Title       string    // for an empty draft (required for a new pathway)
	OwningEOG   string    // for a new pathway (required); must match for an existing one
	Reason      string
}

// CreateDraft opens version NextVersion. Only one version may be open (draft to approved) at a time.
func (p *Pathway) CreateDraft(who Principal, req NewDraft, now time.Time) ([]Event, error) {
	if err := who.Require(RoleAuthor, "create drafts"); err != nil {
		return nil, err
	}
	if err := p.checkNewDraft(req); err != nil {
		return nil, err
	}
	if open := p.openDraft(); open != nil {
		return nil, precondition("pathway %q already has an open version %d (%s); finish or publish it first",
			p.ID, open.Number, open.Status)
	}
	ev := DraftCreated{
		EventContext: contextOf(who, p.NextVersion(), now, req.Reason),
		PathwayID:    p.ID, Title: req.Title, OwningEOG: p.OwningEOG,
	}
	if !p.Exists() {
		ev.OwningEOG = req.OwningEOG
	}
	if req.FromVersion > 0 {
		base := p.version(req.FromVersion)
		if base.PublishedAt.IsZero() {
			return nil, precondition("cannot copy version %d of pathway %q: it is %s; only published or retired versions can be copied",
				base.Number, p.ID, base.Status)
		}
		if err := p.checkDocument(*req.Document, ev.Version, ev.OwningEOG); err != nil {
			return nil, err
		}
		ev.BasedOn, ev.Title, ev.Document = base.Number, req.Document.Title, req.Document.YAML
	} else if ev.Title == "" {
		ev.Title = p.versions[len(p.versions)-1].Title
	}
	return []Event{ev}, nil
}

func (p *Pathway) checkNewDraft(req NewDraft) error {
	var vs Violations
	CheckPathwayID(&vs, "pathway_id", p.ID)
	switch {
	case req.FromVersion < 0:
		vs.Add("from_version", "must be 0 (empty draft) or a version number, not %d", req.FromVersion)
	case !p.Exists() && req.FromVersion > 0:
		return notFound("pathway %q does not exist, so version %d cannot be copied; create an empty draft", p.ID, req.FromVersion)
	case req.FromVersion > 0 && p.version(req.FromVersion) == nil:
		return notFound("pathway %q has no version %d to copy", p.ID, req.FromVersion)
	case req.FromVersion > 0 && req.Document == nil:
		vs.Add("from_version", "version %d has no document to copy", req.FromVersion)
	}
	if !p.Exists() {
		if req.Title == "" {
			vs.Add("title", "is required for the first version of a new pathway")
		}
		if req.OwningEOG == "" {
			vs.Add("owning_eog", "is required for the first version of a new pathway")
		}
	} else if req.OwningEOG != "" && req.OwningEOG != p.OwningEOG {
		vs.Add("owning_eog", "pathway %q is owned by %q; a draft cannot change its owner", p.ID, p.OwningEOG)
	}
	return vs.Err()
}

// UpdateDraft replaces the document of an open version. The caller must have read revision
// expected; any approvals are reset (and an approved version goes back to review).
// A document identical to the current one changes nothing.
func (p *Pathway) UpdateDraft(who Principal, number int, expected int64, doc Document, reason string, now time.Time) ([]Event, error) {
	if err := p.CheckEditable(who, number, expected); err != nil {
		return nil, err
	}
	v := p.version(number)
	if err := p.checkDocument(doc, number, v.OwningEOG); err != nil {
		return nil, err
	}
	if bytes.Equal(doc.YAML, v.Document) {
		return nil, nil
	}
	ctx := contextOf(who, number, now, reason)
	evs := []Event{DraftUpdated{EventContext: ctx, Title: doc.Title, Document: doc.YAML}}
	if len(v.Approvals) > 0 {
		ctx.Reason = "document changed by " + who.Actor
		evs = append(evs, reset(ctx, v))
	}
	return evs, nil
}

// CheckEditable reports why who may not edit version number at revision expected, if they may
// not: callers check it before parsing a document, so that a refusal is not hidden behind
// problems with the document.
func (p *Pathway) CheckEditable(who Principal, number int, expected int64) error {
	if err := who.Require(RoleAuthor, "edit drafts"); err != nil {
		return err
	}
	v, err := p.find(number)
	if err != nil {
		return err
	}
	if !v.Status.Open() {
		return stateError(v, "edit", StatusDraft, StatusInReview, StatusChangesRequested, StatusApproved)
	}
	if expected != v.Revision {
		return Conflictf("version %d of pathway %q has changed: it is at revision %d, not %d; read it again",
			number, p.ID, v.Revision, expected)
	}
	return nil
}

// SubmitForReview puts a draft (or a version whose changes were requested) in review.
func (p *Pathway) SubmitForReview(who Principal, number int, reason string, now time.Time) ([]Event, error) {
	if err := who.Require(RoleAuthor, "submit drafts for review"); err != nil {
		return nil, err
	}
	v, err := p.find(number)
	if err != nil {
		return nil, err
	}
	if v.Status != StatusDraft && v.Status != StatusChangesRequested {
		return nil, stateError(v, "submit", StatusDraft, StatusChangesRequested)
	}
	if len(v.Document) == 0 {
		return nil, precondition("cannot submit version %d of pathway %q: it has no document yet; update the draft first", number, p.ID)
	}
	return []Event{SubmittedForReview{contextOf(who, number, now, reason)}}, nil
}

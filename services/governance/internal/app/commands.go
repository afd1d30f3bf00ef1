package app

import (
	"context"
	"time"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// CreateDraft asks for a new draft version.
type CreateDraft struct {
	PathwayID   string
	FromVersion int
	Title       string
	OwningEOG   string
	Reason      string
}

// CreateDraft opens a draft, empty or copied from a published version renumbered to the next.
func (a *App) CreateDraft(ctx context.Context, who domain.Principal, c CreateDraft) (domain.Version, error) {
	var vs domain.Violations
	checkID(&vs, c.PathwayID)
	if err := vs.Err(); err != nil {
		return domain.Version{}, err
	}
	var number int
	p, err := a.execute(ctx, c.PathwayID, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		number = p.NextVersion()
		req := domain.NewDraft{FromVersion: c.FromVersion, Title: c.Title, OwningEOG: c.OwningEOG, Reason: c.Reason}
		if base, err := p.Version(c.FromVersion); err == nil && len(base.Document) > 0 {
			doc, err := a.docs.Renumber(base.Document, number)
			if err != nil {
				return nil, err
			}
			req.Document = &doc
		}
		return p.CreateDraft(who, req, now)
	})
	if err != nil {
		return domain.Version{}, err
	}
	return p.Version(number)
}

// UpdateDraft replaces a draft's document.
type UpdateDraft struct {
	PathwayID        string
	Version          int
	ExpectedRevision int64
	YAML             []byte
	Reason           string
}

// UpdateDraft validates the document and replaces the draft's with it.
func (a *App) UpdateDraft(ctx context.Context, who domain.Principal, c UpdateDraft) (domain.Version, error) {
	if err := checkRef(c.PathwayID, c.Version); err != nil {
		return domain.Version{}, err
	}
	return a.change(ctx, c.PathwayID, c.Version, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		if err := p.CheckEditable(who, c.Version, c.ExpectedRevision); err != nil {
			return nil, err
		}
		doc, err := a.docs.Parse(c.YAML)
		if err != nil {
			return nil, err
		}
		return p.UpdateDraft(who, c.Version, c.ExpectedRevision, doc, c.Reason, now)
	})
}

// SubmitForReview submits a draft to its owning Expert Oversight Group.
func (a *App) SubmitForReview(ctx context.Context, who domain.Principal, id string, version int, reason string) (domain.Version, error) {
	return a.change(ctx, id, version, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		return p.SubmitForReview(who, version, reason, now)
	})
}

// Review is a reviewer's decision: approve, or request changes with comments.
type Review struct {
	PathwayID string
	Version   int
	Approve   bool
	Comments  []domain.Comment
	Reason    string
}

// Review records a review.
func (a *App) Review(ctx context.Context, who domain.Principal, r Review) (domain.Version, error) {
	return a.change(ctx, r.PathwayID, r.Version, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		if r.Approve {
			return p.Approve(who, r.Version, r.Reason, now)
		}
		return p.RequestChanges(who, r.Version, r.Comments, r.Reason, now)
	})
}

// Publish publishes an approved version effective from `from` (zero: now).
func (a *App) Publish(ctx context.Context, who domain.Principal, id string, version int, from time.Time, reason string) (domain.Version, error) {
	return a.change(ctx, id, version, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		return p.Publish(who, version, from, reason, now)
	})
}

// Retire retires a published version.
func (a *App) Retire(ctx context.Context, who domain.Principal, id string, version int, reason string) (domain.Version, error) {
	return a.change(ctx, id, version, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		return p.Retire(who, version, reason, now)
	})
}

func (a *App) change(ctx context.Context, id string, version int, decide func(*domain.Pathway, time.Time) ([]domain.Event, error)) (domain.Version, error) {
	if err := checkRef(id, version); err != nil {
		return domain.Version{}, err
	}
	p, err := a.execute(ctx, id, func(p *domain.Pathway, now time.Time) ([]domain.Event, error) {
		if !p.Exists() {
			return nil, domain.PathwayNotFound(id)
		}
		return decide(p, now)
	})
	if err != nil {
		return domain.Version{}, err
	}
	return p.Version(version)
}

package ports

import (
	"context"
	"strconv"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Server implements GovernanceService over the application. Safe for concurrent use.
type Server struct {
	governancev1.UnimplementedGovernanceServiceServer
	app *app.App
}

// NewServer returns the gRPC handlers for a.
func NewServer(a *app.App) *Server { return &Server{app: a} }

func (s *Server) principal(ctx context.Context) domain.Principal {
	p, _ := identity.FromContext(ctx) // Identity guarantees it; a zero Principal is denied everything
	return p
}

// CreateDraft opens a draft.
func (s *Server) CreateDraft(ctx context.Context, req *governancev1.CreateDraftRequest) (*governancev1.CreateDraftResponse, error) {
	v, err := s.app.CreateDraft(ctx, s.principal(ctx), app.CreateDraft{PathwayID: req.GetPathwayId(),
		FromVersion: int(req.GetFromVersion()), Title: req.GetTitle(), OwningEOG: req.GetOwningEog(), Reason: req.GetReason()})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.CreateDraftResponse{Version: versionToProto(v), DocumentYaml: string(v.Document)}, nil
}

// UpdateDraft replaces a draft's document.
func (s *Server) UpdateDraft(ctx context.Context, req *governancev1.UpdateDraftRequest) (*governancev1.UpdateDraftResponse, error) {
	v, err := s.app.UpdateDraft(ctx, s.principal(ctx), app.UpdateDraft{PathwayID: req.GetPathwayId(), Version: int(req.GetVersion()),
		ExpectedRevision: req.GetExpectedRevision(), YAML: []byte(req.GetDocumentYaml()), Reason: req.GetReason()})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.UpdateDraftResponse{Version: versionToProto(v), DocumentYaml: string(v.Document)}, nil
}

// SubmitForReview submits a draft.
func (s *Server) SubmitForReview(ctx context.Context, req *governancev1.SubmitForReviewRequest) (*governancev1.SubmitForReviewResponse, error) {
	v, err := s.app.SubmitForReview(ctx, s.principal(ctx), req.GetPathwayId(), int(req.GetVersion()), req.GetReason())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.SubmitForReviewResponse{Version: versionToProto(v)}, nil
}

// Review approves or requests changes.
func (s *Server) Review(ctx context.Context, req *governancev1.ReviewRequest) (*governancev1.ReviewResponse, error) {
	switch req.GetDecision() {
	case governancev1.ReviewDecision_REVIEW_DECISION_APPROVE, governancev1.ReviewDecision_REVIEW_DECISION_REQUEST_CHANGES:
	default:
		return nil, toStatus(ctx, (domain.Violations{{Field: "decision",
			Description: "must be REVIEW_DECISION_APPROVE or REVIEW_DECISION_REQUEST_CHANGES, not " + req.GetDecision().String()}}).Err())
	}
	v, err := s.app.Review(ctx, s.principal(ctx), app.Review{PathwayID: req.GetPathwayId(), Version: int(req.GetVersion()),
		Approve:  req.GetDecision() == governancev1.ReviewDecision_REVIEW_DECISION_APPROVE,
		Comments: commentsFromProto(req.GetComments()), Reason: req.GetReason()})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.ReviewResponse{Version: versionToProto(v)}, nil
}

// Publish publishes an approved version.
func (s *Server) Publish(ctx context.Context, req *governancev1.PublishRequest) (*governancev1.PublishResponse, error) {
	v, err := s.app.Publish(ctx, s.principal(ctx), req.GetPathwayId(), int(req.GetVersion()), timeOf(req.GetEffectiveFrom()), req.GetReason())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.PublishResponse{Version: versionToProto(v)}, nil
}

// Retire retires a published version.
func (s *Server) Retire(ctx context.Context, req *governancev1.RetireRequest) (*governancev1.RetireResponse, error) {
	v, err := s.app.Retire(ctx, s.principal(ctx), req.GetPathwayId(), int(req.GetVersion()), req.GetReason())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.RetireResponse{Version: versionToProto(v)}, nil
}

// GetVersion reads one version.
func (s *Server) GetVersion(ctx context.Context, req *governancev1.GetVersionRequest) (*governancev1.GetVersionResponse, error) {
	view, err := s.app.GetVersion(ctx, req.GetPathwayId(), int(req.GetVersion()))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.GetVersionResponse{Version: versionToProto(view.Version), DocumentYaml: string(view.Version.Document),
		Summary: summaryToProto(view.Summary)}, nil
}

// ListVersions lists versions a page at a time.
func (s *Server) ListVersions(ctx context.Context, req *governancev1.ListVersionsRequest) (*governancev1.ListVersionsResponse, error) {
	var vs domain.Violations
	for i, st := range req.GetStatuses() {
		if _, ok := statusFromProto(st); !ok {
			vs.Add("statuses["+strconv.Itoa(i)+"]", "must be a known version status, not %s", st)
		}
	}
	if err := vs.Err(); err != nil {
		return nil, toStatus(ctx, err)
	}
	page, next, err := s.app.ListVersions(ctx, app.ListQuery{PathwayID: req.GetPathwayId(), Statuses: statusesFromProto(req.GetStatuses()),
		PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out := &governancev1.ListVersionsResponse{NextPageToken: next}
	for _, v := range page {
		out.Versions = append(out.Versions, versionToProto(v))
	}
	return out, nil
}

// DiffVersions compares two versions.
func (s *Server) DiffVersions(ctx context.Context, req *governancev1.DiffVersionsRequest) (*governancev1.DiffVersionsResponse, error) {
	d, err := s.app.DiffVersions(ctx, req.GetPathwayId(), int(req.GetFromVersion()), int(req.GetToVersion()))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out := &governancev1.DiffVersionsResponse{Text: d.Text}
	for _, c := range d.Changes {
		out.Changes = append(out.Changes, &governancev1.Change{Kind: c.Kind, Area: c.Area, Path: c.Path, Before: c.Before, After: c.After, Summary: c.Summary})
	}
	return out, nil
}

// GetVersionInEffect returns the version in effect at a time.
func (s *Server) GetVersionInEffect(ctx context.Context, req *governancev1.GetVersionInEffectRequest) (*governancev1.GetVersionInEffectResponse, error) {
	v, err := s.app.InEffect(ctx, req.GetPathwayId(), timeOf(req.GetAt()))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &governancev1.GetVersionInEffectResponse{Version: versionToProto(v), DocumentYaml: string(v.Document)}, nil
}

// GetHistory returns a version's audit trail.
func (s *Server) GetHistory(ctx context.Context, req *governancev1.GetHistoryRequest) (*governancev1.GetHistoryResponse, error) {
	entries, err := s.app.History(ctx, req.GetPathwayId(), int(req.GetVersion()))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out := &governancev1.GetHistoryResponse{}
	for _, e := range entries {
		out.Entries = append(out.Entries, &governancev1.HistoryEntry{StreamRevision: int64Of(e.Revision), Type: e.Type, Actor: e.Actor,
			OccurredAt: ts(e.At), Reason: e.Reason, Summary: e.Summary})
	}
	return out, nil
}

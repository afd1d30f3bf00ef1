package ports

import (
	"context"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// Server implements CoordinatorService over the application. Safe for concurrent use.
type Server struct {
	coordinatorv1.UnimplementedCoordinatorServiceServer
	app *app.App
}

// NewServer returns the gRPC service.
func NewServer(a *app.App) *Server { return &Server{app: a} }

// SubmitReferral starts a referral's journey.
func (s *Server) SubmitReferral(ctx context.Context, req *coordinatorv1.SubmitReferralRequest) (*coordinatorv1.SubmitReferralResponse, error) {
	if _, err := requireCoordinator(ctx); err != nil {
		return nil, err
	}
	r := domain.Referral{ReferralID: req.GetReferralId(), PathwayID: req.GetPathwayId(), NHSNumber: req.GetNhsNumber(),
		PracticeCode: req.GetPracticeOdsCode(), PCNCode: req.GetPcnOdsCode(), Segment: req.GetSegment(),
		Source: req.GetSource(), Reason: req.GetReason()}
	if req.GetReferredAt() != nil {
		r.ReferredAt = req.GetReferredAt().AsTime()
	}
	res, err := s.app.SubmitReferral(ctx, r)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &coordinatorv1.SubmitReferralResponse{JourneyId: res.JourneyID, Created: res.Created}, nil
}

// GetJourney returns a journey and its timeline.
func (s *Server) GetJourney(ctx context.Context, req *coordinatorv1.GetJourneyRequest) (*coordinatorv1.GetJourneyResponse, error) {
	d, err := s.app.GetJourney(ctx, req.GetJourneyId())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &coordinatorv1.GetJourneyResponse{Journey: journeyToProto(d.View), Timeline: timelineToProto(d.Timeline)}, nil
}

// ListWorklist returns one page of a worklist.
func (s *Server) ListWorklist(ctx context.Context, req *coordinatorv1.ListWorklistRequest) (*coordinatorv1.ListWorklistResponse, error) {
	p, err := s.app.ListWorklist(ctx, domain.WorklistQuery{Worklist: domain.Worklist(req.GetWorklist()),
		PathwayID: req.GetPathwayId(), PCNCode: req.GetPcnOdsCode(), Segment: req.GetSegment(),
		PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out := &coordinatorv1.ListWorklistResponse{NextPageToken: p.NextPageToken}
	for _, l := range p.Items {
		out.Items = append(out.Items, listedToProto(l))
	}
	return out, nil
}

// apply runs one transition as the calling coordinator.
func (s *Server) apply(ctx context.Context, cmd domain.Command) (*coordinatorv1.TransitionResult, error) {
	p, err := requireCoordinator(ctx)
	if err != nil {
		return nil, err
	}
	cmd.Actor = p.Actor
	res, err := s.app.Apply(ctx, cmd)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return resultToProto(res), nil
}

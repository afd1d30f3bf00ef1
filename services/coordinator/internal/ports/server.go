package ports

import (
	"context"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// Server implements CoordinatorService over the application. A coordinator reaches only the
// journeys of the PCNs in their token (domain.Scope), and every call is recorded in the access
// audit trail (see answer). Safe for concurrent use.
type Server struct {
	coordinatorv1.UnimplementedCoordinatorServiceServer
	app   *app.App
	audit *app.Audit
}

// Option configures NewServer.
type Option func(*Server)

// WithAudit records every call in the access audit trail a. A server without one answers no
// read of a patient's journey (Unavailable): reads are never served unrecorded.
func WithAudit(a *app.Audit) Option { return func(s *Server) { s.audit = a } }

// NewServer returns the gRPC service.
func NewServer(a *app.App, opts ...Option) *Server {
	s := &Server{app: a}
	for _, o := range opts {
		o(s)
	}
	return s
}

// scopeOf is how far the caller reaches: the PCNs among the organisations of their token.
func scopeOf(ctx context.Context) domain.Scope {
	p, _ := identity.FromContext(ctx)
	return domain.NewScope(p.Orgs)
}

// SubmitReferral starts a referral's journey.
func (s *Server) SubmitReferral(ctx context.Context, req *coordinatorv1.SubmitReferralRequest) (*coordinatorv1.SubmitReferralResponse, error) {
	c := call{method: coordinatorv1.CoordinatorService_SubmitReferral_FullMethodName}
	if domain.ValidJourneyID(req.GetReferralId()) {
		c.journeyIDs = []string{journey.JourneyID(req.GetReferralId())}
	}
	res, err := s.submit(ctx, req)
	if err := s.answer(ctx, c, err, false); err != nil {
		return nil, err
	}
	return &coordinatorv1.SubmitReferralResponse{JourneyId: res.JourneyID, Created: res.Created}, nil
}

func (s *Server) submit(ctx context.Context, req *coordinatorv1.SubmitReferralRequest) (app.Submitted, error) {
	if _, err := requireCoordinator(ctx); err != nil {
		return app.Submitted{}, err
	}
	r := domain.Referral{ReferralID: req.GetReferralId(), PathwayID: req.GetPathwayId(), NHSNumber: req.GetNhsNumber(),
		PracticeCode: req.GetPracticeOdsCode(), PCNCode: req.GetPcnOdsCode(), Segment: req.GetSegment(),
		Source: req.GetSource(), Reason: req.GetReason()}
	if req.GetReferredAt() != nil {
		r.ReferredAt = req.GetReferredAt().AsTime()
	}
	return s.app.SubmitReferral(ctx, scopeOf(ctx), r)
}

// GetJourney returns a journey and its timeline.
func (s *Server) GetJourney(ctx context.Context, req *coordinatorv1.GetJourneyRequest) (*coordinatorv1.GetJourneyResponse, error) {
	c := call{method: coordinatorv1.CoordinatorService_GetJourney_FullMethodName}
	if domain.ValidJourneyID(req.GetJourneyId()) {
		c.journeyIDs = []string{req.GetJourneyId()}
	}
	d, err := s.app.GetJourney(ctx, scopeOf(ctx), req.GetJourneyId())
	if err := s.answer(ctx, c, err, true); err != nil {
		return nil, err
	}
	return &coordinatorv1.GetJourneyResponse{Journey: journeyToProto(d.View), Timeline: timelineToProto(d.Timeline)}, nil
}

// ListWorklist returns one page of a worklist.
func (s *Server) ListWorklist(ctx context.Context, req *coordinatorv1.ListWorklistRequest) (*coordinatorv1.ListWorklistResponse, error) {
	p, err := s.app.ListWorklist(ctx, scopeOf(ctx), domain.WorklistQuery{Worklist: domain.Worklist(req.GetWorklist()),
		PathwayID: req.GetPathwayId(), PCNCode: req.GetPcnOdsCode(), Segment: req.GetSegment(),
		PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()})
	c := call{method: coordinatorv1.CoordinatorService_ListWorklist_FullMethodName}
	for _, l := range p.Items {
		c.journeyIDs = append(c.journeyIDs, l.JourneyID)
	}
	if err := s.answer(ctx, c, err, true); err != nil {
		return nil, err
	}
	out := &coordinatorv1.ListWorklistResponse{NextPageToken: p.NextPageToken}
	for _, l := range p.Items {
		out.Items = append(out.Items, listedToProto(l))
	}
	return out, nil
}

// apply runs one transition as the calling coordinator.
func (s *Server) apply(ctx context.Context, cmd domain.Command) (*coordinatorv1.TransitionResult, error) {
	c := call{method: "/" + coordinatorv1.CoordinatorService_ServiceDesc.ServiceName + "/" + string(cmd.Transition)}
	if domain.ValidJourneyID(cmd.JourneyID) {
		c.journeyIDs = []string{cmd.JourneyID}
	}
	if domain.ValidRequestID(cmd.RequestID) {
		c.requestID = cmd.RequestID
	}
	res, err := s.transition(ctx, cmd)
	if err := s.answer(ctx, c, err, false); err != nil {
		return nil, err
	}
	return resultToProto(res), nil
}

func (s *Server) transition(ctx context.Context, cmd domain.Command) (journey.UpdateResult, error) {
	p, err := requireCoordinator(ctx)
	if err != nil {
		return journey.UpdateResult{}, err
	}
	cmd.Actor = p.Actor
	return s.app.Apply(ctx, scopeOf(ctx), cmd)
}

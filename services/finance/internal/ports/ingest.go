package ports

import (
	"context"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Ingest serves FinanceIngestService.
type Ingest struct {
	financev1.UnimplementedFinanceIngestServiceServer
	app *app.App
}

// NewIngest serves a over FinanceIngestService.
func NewIngest(a *app.App) *Ingest { return &Ingest{app: a} }

// RecordActivity charges one delivered intervention, once per event ID, at its contract's agreed
// unit price (the request's unit_price_pence is only compared with it).
func (s *Ingest) RecordActivity(ctx context.Context, req *financev1.RecordActivityRequest) (*financev1.RecordActivityResponse, error) {
	h, err := hash("activity", req)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	act := domain.Activity{
		EventID: req.GetEventId(), JourneyID: req.GetJourneyId(), PathwayID: req.GetPathway().GetPathwayId(),
		InterventionID: req.GetInterventionId(), InterventionCode: req.GetInterventionCode(), Provider: req.GetProvider(),
		StatedPricePence: req.GetUnitPricePence(), PCN: req.GetPcnOdsCode(), Segment: int32(req.GetSegment()),
	}
	if req.GetOccurredAt() != nil {
		act.OccurredAt = req.GetOccurredAt().AsTime()
	}
	dup, err := s.app.RecordActivity(ctx, act, h)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.RecordActivityResponse{Duplicate: dup}, nil
}

// RecordOutcome records a journey's outcome scores, once per event ID.
func (s *Ingest) RecordOutcome(ctx context.Context, req *financev1.RecordOutcomeRequest) (*financev1.RecordOutcomeResponse, error) {
	h, err := hash("outcome", req)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	o := domain.Outcome{
		EventID: req.GetEventId(), JourneyID: req.GetJourneyId(), PathwayID: req.GetPathway().GetPathwayId(),
		CollectionPoint: req.GetCollectionPoint(), Measures: map[string]float64{},
	}
	for _, m := range req.GetMeasures() {
		o.Measures[m.GetCode()] = m.GetValue()
	}
	if req.GetOccurredAt() != nil {
		o.OccurredAt = req.GetOccurredAt().AsTime()
	}
	dup, err := s.app.RecordOutcome(ctx, o, h)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &financev1.RecordOutcomeResponse{Duplicate: dup}, nil
}

package ports

import (
	"context"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// Ingest serves DashboardIngestService.
type Ingest struct {
	dashboardv1.UnimplementedDashboardIngestServiceServer
	app *app.App
}

// NewIngest returns the ingest service over a.
func NewIngest(a *app.App) *Ingest { return &Ingest{app: a} }

// RecordJourneyFact applies one fact once.
func (s *Ingest) RecordJourneyFact(ctx context.Context, req *dashboardv1.RecordJourneyFactRequest) (*dashboardv1.RecordJourneyFactResponse, error) {
	dup, err := s.app.Ingest(ctx, FactFromRequest(req))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &dashboardv1.RecordJourneyFactResponse{Duplicate: dup}, nil
}

// Query serves DashboardQueryService.
type Query struct {
	dashboardv1.UnimplementedDashboardQueryServiceServer
	app *app.App
}

// NewQuery returns the query service over a.
func NewQuery(a *app.App) *Query { return &Query{app: a} }

// FilterFrom checks a request filter.
func FilterFrom(a *app.App, f *dashboardv1.Filter) (domain.Filter, error) {
	return domain.NewFilter(domain.FilterInput{
		PathwayID: f.GetPathwayId(), PCN: f.GetPcnOdsCode(), Segment: int32(f.GetSegment()),
		FromMonth: f.GetFromMonth(), ToMonth: f.GetToMonth(),
	}, a.Now())
}

// GetSystemFigures answers the "Our System" lens.
func (s *Query) GetSystemFigures(ctx context.Context, req *dashboardv1.GetSystemFiguresRequest) (*dashboardv1.GetSystemFiguresResponse, error) {
	f, err := FilterFrom(s.app, req.GetFilter())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out, err := s.app.SystemFigures(ctx, f, viewer(ctx))
	return out, toStatus(ctx, err)
}

// GetPopulationFigures answers the "Our Population" lens.
func (s *Query) GetPopulationFigures(ctx context.Context, req *dashboardv1.GetPopulationFiguresRequest) (*dashboardv1.GetPopulationFiguresResponse, error) {
	f, err := FilterFrom(s.app, req.GetFilter())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	out, err := s.app.PopulationFigures(ctx, f, viewer(ctx))
	return out, toStatus(ctx, err)
}

// ListDimensions lists the filter choices.
func (s *Query) ListDimensions(ctx context.Context, _ *dashboardv1.ListDimensionsRequest) (*dashboardv1.ListDimensionsResponse, error) {
	out, err := s.app.Dimensions(ctx)
	return out, toStatus(ctx, err)
}

// ExportFigures returns the figures as CSV.
func (s *Query) ExportFigures(ctx context.Context, req *dashboardv1.ExportFiguresRequest) (*dashboardv1.ExportFiguresResponse, error) {
	f, err := FilterFrom(s.app, req.GetFilter())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	b, err := s.app.ExportCSV(ctx, f, viewer(ctx))
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &dashboardv1.ExportFiguresResponse{Csv: b}, nil
}

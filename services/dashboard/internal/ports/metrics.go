package ports

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
)

// Meter is the name of the dashboard's own OpenTelemetry meter.
const Meter = "github.com/nhs-pathways/pathways/services/dashboard"

// Metrics records the dashboard's own figures on the process's MeterProvider: web page and CSV
// views by path (dashboard.page.views, was dashboard_http_requests_total) and journey facts
// ingested, duplicate or not (dashboard.facts.ingested). Request counts and latencies are
// otelgrpc's rpc.server.* metrics, not these. /metrics itself is platform/metrics.Handler.
type Metrics struct {
	pages metric.Int64Counter
	facts metric.Int64Counter
}

// NewMetrics creates the instruments on the global MeterProvider.
func NewMetrics() (*Metrics, error) {
	meter := otel.Meter(Meter)
	pages, err := meter.Int64Counter("dashboard.page.views",
		metric.WithDescription("Web page and CSV export requests, by path."), metric.WithUnit("{request}"))
	if err != nil {
		return nil, fmt.Errorf("dashboard metrics: %w", err)
	}
	facts, err := meter.Int64Counter("dashboard.facts.ingested",
		metric.WithDescription("Journey facts recorded into the read model; duplicate=true when the fact had been recorded already."),
		metric.WithUnit("{fact}"))
	if err != nil {
		return nil, fmt.Errorf("dashboard metrics: %w", err)
	}
	return &Metrics{pages: pages, facts: facts}, nil
}

// PageView counts one request of the web page or the export at path.
func (m *Metrics) PageView(ctx context.Context, path string) {
	m.pages.Add(ctx, 1, metric.WithAttributes(attribute.String("path", path)))
}

// Unary counts each journey fact recorded.
func (m *Metrics) Unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	resp, err := next(ctx, req)
	if r, ok := resp.(*dashboardv1.RecordJourneyFactResponse); ok && err == nil {
		m.facts.Add(ctx, 1, metric.WithAttributes(attribute.Bool("duplicate", r.GetDuplicate())))
	}
	return resp, err
}

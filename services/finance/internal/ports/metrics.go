package ports

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// Meter is the name of finance's own OpenTelemetry meter.
const Meter = "github.com/nhs-pathways/pathways/services/finance"

// Metrics records finance's own figures on the process's MeterProvider: ingested events by kind
// and whether they were duplicates (finance.ingest.events), and event IDs resent with another
// payload and refused (finance.ingest.conflicts). Request counts and latencies are otelgrpc's
// rpc.server.* metrics, not these.
type Metrics struct {
	events    metric.Int64Counter
	conflicts metric.Int64Counter
}

// NewMetrics creates the instruments on the global MeterProvider.
func NewMetrics() (*Metrics, error) {
	meter := otel.Meter(Meter)
	events, err := meter.Int64Counter("finance.ingest.events",
		metric.WithDescription("Costed activities and outcomes ingested, by kind; duplicate=true when the event ID had been applied already."),
		metric.WithUnit("{event}"))
	if err != nil {
		return nil, fmt.Errorf("finance metrics: %w", err)
	}
	conflicts, err := meter.Int64Counter("finance.ingest.conflicts",
		metric.WithDescription("Ingest requests refused because their event ID was applied with another payload, by kind."),
		metric.WithUnit("{event}"))
	if err != nil {
		return nil, fmt.Errorf("finance metrics: %w", err)
	}
	return &Metrics{events: events, conflicts: conflicts}, nil
}

// Conflict counts one refused duplicate of kind ("activity" or "outcome").
func (m *Metrics) Conflict(kind string) {
	m.conflicts.Add(context.Background(), 1, metric.WithAttributes(attribute.String("kind", kind)))
}

// Unary counts each ingested activity and outcome.
func (m *Metrics) Unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	resp, err := next(ctx, req)
	if err != nil {
		return resp, err
	}
	switch r := resp.(type) {
	case *financev1.RecordActivityResponse:
		m.ingested(ctx, "activity", r.GetDuplicate())
	case *financev1.RecordOutcomeResponse:
		m.ingested(ctx, "outcome", r.GetDuplicate())
	}
	return resp, nil
}

func (m *Metrics) ingested(ctx context.Context, kind string, duplicate bool) {
	m.events.Add(ctx, 1, metric.WithAttributes(attribute.String("kind", kind), attribute.Bool("duplicate", duplicate)))
}

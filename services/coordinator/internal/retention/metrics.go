package retention

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Meter is the name of the records-retention sweeper's OpenTelemetry meter.
const Meter = "github.com/nhs-pathways/pathways/services/coordinator/retention"

// metrics are the sweeper's figures: coordinator.retention.journeys_deleted (journey streams
// deleted past retention) and coordinator.retention.sweeps (by result: ok or error), so an
// alert can tell a sweeper that stopped working.
type metrics struct {
	journeys metric.Int64Counter
	sweeps   metric.Int64Counter
}

func newMetrics(mp metric.MeterProvider) (*metrics, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(Meter)
	journeys, err := meter.Int64Counter("coordinator.retention.journeys_deleted",
		metric.WithDescription("Journey event streams deleted because records retention had passed since the journey ended."),
		metric.WithUnit("{journey}"))
	if err != nil {
		return nil, fmt.Errorf("retention metrics: %w", err)
	}
	sweeps, err := meter.Int64Counter("coordinator.retention.sweeps",
		metric.WithDescription("Records retention sweeps run, by result (ok, error)."), metric.WithUnit("{sweep}"))
	if err != nil {
		return nil, fmt.Errorf("retention metrics: %w", err)
	}
	return &metrics{journeys: journeys, sweeps: sweeps}, nil
}

func (m *metrics) deleted(ctx context.Context) { m.journeys.Add(ctx, 1) }

func (m *metrics) sweep(ctx context.Context, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.sweeps.Add(ctx, 1, metric.WithAttributes(attribute.String("result", result)))
}

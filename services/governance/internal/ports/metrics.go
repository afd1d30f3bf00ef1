package ports

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

// Meter is the name of governance's own OpenTelemetry meter.
const Meter = "github.com/nhs-pathways/pathways/services/governance"

// Metrics records governance's own figures on the process's MeterProvider: the pathway version
// lifecycle steps taken (governance.pathway.transitions, by action, and by decision for reviews).
// Request counts and latencies are otelgrpc's rpc.server.* metrics, not these.
type Metrics struct {
	transitions metric.Int64Counter
}

// NewMetrics creates the instruments on the global MeterProvider.
func NewMetrics() (*Metrics, error) {
	transitions, err := otel.Meter(Meter).Int64Counter("governance.pathway.transitions",
		metric.WithDescription("Pathway version lifecycle steps taken: draft, update, submit, review (by decision), publish, retire."),
		metric.WithUnit("{transition}"))
	if err != nil {
		return nil, fmt.Errorf("governance metrics: %w", err)
	}
	return &Metrics{transitions: transitions}, nil
}

// transitionActions are the methods that move a pathway version through its lifecycle.
var transitionActions = map[string]string{
	"CreateDraft": "draft", "UpdateDraft": "update", "SubmitForReview": "submit",
	"Review": "review", "Publish": "publish", "Retire": "retire",
}

// Unary counts each lifecycle step that succeeded.
func (m *Metrics) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	resp, err := next(ctx, req)
	if err != nil {
		return resp, err
	}
	method := info.FullMethod[strings.LastIndexByte(info.FullMethod, '/')+1:]
	action, ok := transitionActions[method]
	if !ok {
		return resp, nil
	}
	attrs := []attribute.KeyValue{attribute.String("action", action)}
	if r, ok := req.(*governancev1.ReviewRequest); ok {
		attrs = append(attrs, attribute.String("decision", strings.ToLower(strings.TrimPrefix(r.GetDecision().String(), "REVIEW_DECISION_"))))
	}
	m.transitions.Add(ctx, 1, metric.WithAttributes(attrs...))
	return resp, nil
}

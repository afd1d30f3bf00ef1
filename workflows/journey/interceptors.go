package journey

import (
	"fmt"

	"go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/workflow"
)

// traceSpanKey is the workflow.Context key the tracing interceptor keeps the current span under
// (TracerOptions.SpanContextKey). The journey reads it to hang each push under the span of the
// update (or workflow run) that queued it.
type traceSpanKey struct{}

// Interceptors returns the interceptors the worker and every client install: OpenTelemetry tracing
// across client calls, workflows and activities (using the global tracer provider and
// propagator), so one trace runs from the coordinator API through the journey to the event store
// and ingest calls. Spans carry workflow and activity names and IDs only, never payloads. A push
// to finance or the dashboard belongs to the trace of the update that caused it.
func Interceptors() ([]interceptor.Interceptor, error) {
	return interceptorsWith(opentelemetry.TracerOptions{})
}

func interceptorsWith(opts opentelemetry.TracerOptions) ([]interceptor.Interceptor, error) {
	opts.SpanContextKey = traceSpanKey{}
	tracing, err := opentelemetry.NewTracingInterceptor(opts)
	if err != nil {
		return nil, fmt.Errorf("opentelemetry tracing interceptor: %w", err)
	}
	return []interceptor.Interceptor{tracing}, nil
}

// currentSpan returns the tracing interceptor's span of ctx (nil without the interceptor).
func currentSpan(ctx workflow.Context) any { return ctx.Value(traceSpanKey{}) }

// withSpan returns ctx with span as the parent of the spans started under it; a nil span leaves
// ctx as it is.
func withSpan(ctx workflow.Context, span any) workflow.Context {
	if span == nil {
		return ctx
	}
	return workflow.WithValue(ctx, traceSpanKey{}, span)
}

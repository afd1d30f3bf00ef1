package journey

import (
	"fmt"

	"go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Interceptors returns the interceptors the worker and every client install: OpenTelemetry tracing
// across client calls, workflows and activities (using the global tracer provider and
// propagator), so one trace runs from the coordinator API through the journey to the event store
// and ingest calls. Spans carry workflow and activity names and IDs only, never payloads.
func Interceptors() ([]interceptor.Interceptor, error) {
	tracing, err := opentelemetry.NewTracingInterceptor(opentelemetry.TracerOptions{})
	if err != nil {
		return nil, fmt.Errorf("opentelemetry tracing interceptor: %w", err)
	}
	return []interceptor.Interceptor{tracing}, nil
}

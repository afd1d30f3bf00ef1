package journey

import (
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

// traceSpanKey is the workflow.Context key the tracing interceptor keeps the current span under
// (TracerOptions.SpanContextKey). The journey reads it to hang each push under the span of the
// update (or workflow run) that queued it.
type traceSpanKey struct{}

// sdkInstrumentation names the tracer and meter of the Temporal SDK's spans and metrics.
const sdkInstrumentation = "temporal-sdk-go"

// Telemetry is where a Temporal client of journeys, and the workers built from it, send their
// spans, SDK metrics and SDK logs. A zero field means the global tracer provider, the global
// meter provider and slog.Default.
type Telemetry struct {
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Logger         *slog.Logger
}

// ClientOptions returns the options every Temporal client of journeys is built with (the worker's,
// the coordinator's, the test stacks'); the caller adds the address, namespace and connection
// options. They carry the client interceptors (ClientInterceptors), the SDK logger and the SDK
// metrics (polls, task latencies, activity outcomes) on tel's meter provider. A worker built from
// such a client is traced by it: see NewWorker.
func ClientOptions(tel Telemetry) (client.Options, error) {
	ins, err := ClientInterceptors(tel.TracerProvider)
	if err != nil {
		return client.Options{}, err
	}
	logger := tel.Logger
	if logger == nil {
		logger = slog.Default()
	}
	var meter metric.Meter
	if tel.MeterProvider != nil {
		meter = tel.MeterProvider.Meter(sdkInstrumentation)
	}
	return client.Options{
		Interceptors:   ins,
		Logger:         tlog.NewStructuredLogger(logger),
		MetricsHandler: opentelemetry.NewMetricsHandler(opentelemetry.MetricsHandlerOptions{Meter: meter}),
	}, nil
}

// WithPayloadKeys makes a client (and every worker built from it) encrypt every payload it
// writes to Temporal (workflow and activity inputs and results, updates, memos, and failures'
// messages and stack traces) under src's current key, and decrypt payloads under any key src
// holds (platform/payloadcrypt). Payloads written before encryption was on still read.
func WithPayloadKeys(opts *client.Options, src payloadcrypt.KeySource) {
	dc := payloadcrypt.DataConverter(opts.DataConverter, payloadcrypt.NewCodec(src))
	opts.DataConverter = dc
	opts.FailureConverter = payloadcrypt.FailureConverter(dc)
}

// ClientInterceptors returns the interceptors of every client of journeys: OpenTelemetry tracing
// across client calls, workflows and activities (on tp, or the global tracer provider when nil;
// the global propagator), so one trace runs from the coordinator API through the journey to the
// event store and ingest calls. Spans carry workflow and activity names and IDs only, never
// payloads. A push to finance or the dashboard belongs to the trace of the update that caused it.
//
// The tracing interceptor is also a worker interceptor, and the SDK applies it to every worker
// built from the client: a worker needs no interceptor of its own (listing it again would record
// every workflow and activity span twice).
func ClientInterceptors(tp trace.TracerProvider) ([]interceptor.ClientInterceptor, error) {
	tracing, err := tracingInterceptor(tp)
	if err != nil {
		return nil, err
	}
	return []interceptor.ClientInterceptor{tracing}, nil
}

// tracingInterceptor returns the journey's OpenTelemetry tracing interceptor on tp (the global
// tracer provider when nil). Only ClientInterceptors and the workflow test environment (which has
// no client) install it.
func tracingInterceptor(tp trace.TracerProvider) (interceptor.Interceptor, error) {
	opts := opentelemetry.TracerOptions{SpanContextKey: traceSpanKey{}}
	if tp != nil {
		opts.Tracer = tp.Tracer(sdkInstrumentation)
	}
	tracing, err := opentelemetry.NewTracingInterceptor(opts)
	if err != nil {
		return nil, fmt.Errorf("opentelemetry tracing interceptor: %w", err)
	}
	return tracing, nil
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

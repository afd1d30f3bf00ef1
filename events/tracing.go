package events

import (
	"context"
	"math"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// instrumentationName names the journal's tracer.
const instrumentationName = "github.com/nhs-pathways/pathways/events"

// Span names of the journal's client calls.
const (
	spanAppend    = "eventstore.append"
	spanRead      = "eventstore.read"
	spanSubscribe = "eventstore.subscribe"
)

// Span attributes. Stream names carry journey IDs, never NHS numbers or clinical details; event
// payloads are never recorded.
const (
	attrSystem     = attribute.Key("db.system.name")
	attrStream     = attribute.Key("eventstore.stream")
	attrEventCount = attribute.Key("eventstore.event_count")
	attrExpected   = attribute.Key("eventstore.expected_revision")
	attrFrom       = attribute.Key("eventstore.from_revision")
	attrMaxCount   = attribute.Key("eventstore.max_count")
	attrNext       = attribute.Key("eventstore.next_revision")
	attrDirection  = attribute.Key("eventstore.direction")
)

// startSpan starts a client span of the journal, a child of whatever span ctx carries (an
// activity's, a gRPC handler's), from the global tracer provider.
func startSpan(ctx context.Context, name, stream string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	attrs = append(attrs, attrSystem.String("eventstoredb"), attrStream.String(stream))
	return otel.Tracer(instrumentationName).Start(ctx, name, //nolint:spancheck // returned to the caller, which ends it
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

// recordError records err (if any) as the span's error status.
func recordError(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
}

// appended records the outcome of an append.
func appended(span trace.Span, res AppendResult, err error) {
	recordError(span, err)
	if err == nil {
		span.SetAttributes(attrNext.Int64(clampInt64(res.NextRevision)))
	}
}

// readDone records the outcome of a read.
func readDone(span trace.Span, got []Recorded, err error) {
	recordError(span, err)
	if err == nil {
		span.SetAttributes(attrEventCount.Int(len(got)))
	}
}

func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

func startAppendSpan(ctx context.Context, stream string, expected ExpectedRevision, n int) (context.Context, trace.Span) {
	return startSpan(ctx, spanAppend, stream, attrExpected.String(expected.String()), attrEventCount.Int(n))
}

func startReadSpan(ctx context.Context, stream string, from, maxCount uint64) (context.Context, trace.Span) {
	return startSpan(ctx, spanRead, stream, attrFrom.Int64(clampInt64(from)), attrMaxCount.Int64(clampInt64(maxCount)))
}

// startSubscribeSpan covers opening a subscription (each resubscription opens its own), not the
// life of the subscription.
func startSubscribeSpan(ctx context.Context, f feed) trace.Span {
	stream := "$all"
	if s, ok := f.(*streamFeed); ok {
		stream = s.stream
	}
	_, span := startSpan(ctx, spanSubscribe, stream)
	return span
}

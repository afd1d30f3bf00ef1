package events_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/nhs-pathways/pathways/events"
)

// recordSpans installs a global tracer provider recording every span for the test.
func recordSpans(t *testing.T) *tracetest.InMemoryExporter {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	before := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() {
		otel.SetTracerProvider(before)
		_ = tp.Shutdown(context.Background())
	})
	return exp
}

// spansOf returns the journal's spans about stream, in the order they ended.
func spansOf(exp *tracetest.InMemoryExporter, stream string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		for _, a := range s.Attributes {
			if a.Key == "eventstore.stream" && a.Value.AsString() == stream {
				out = append(out, s)
			}
		}
	}
	return out
}

func attrs(s tracetest.SpanStub) map[attribute.Key]any {
	out := map[attribute.Key]any{}
	for _, a := range s.Attributes {
		out[a.Key] = a.Value.AsInterface()
	}
	return out
}

func TestJournalCallsAreClientSpansOfTheCallersTrace(t *testing.T) {
	exp := recordSpans(t)
	j := openJournal(t, startServer(t).URL())
	stream := newJourney()
	ctx, activity := otel.Tracer("test").Start(testCtx(t), "RunActivity:AppendJourneyEvents")

	_, err := j.Append(ctx, stream, events.NoStream(), stringEvents("x", 2)...)
	require.NoError(t, err)
	_, err = j.Append(ctx, stream, events.Exact(7), stringEvent(uuid.New(), "late"))
	require.ErrorIs(t, err, events.ErrConflict)
	got, err := j.ReadStream(ctx, stream)
	require.NoError(t, err)
	require.Len(t, got, 2)
	activity.End()

	spans := spansOf(exp, stream)
	require.Len(t, spans, 3)
	ok, conflict, read := spans[0], spans[1], spans[2]
	for _, s := range spans {
		require.Equal(t, trace.SpanKindClient, s.SpanKind)
		require.Equal(t, activity.SpanContext().TraceID(), s.SpanContext.TraceID(), "%s joins the caller's trace", s.Name)
		require.Equal(t, activity.SpanContext().SpanID(), s.Parent.SpanID(), "%s is a child of the caller's span", s.Name)
	}
	require.Equal(t, "eventstore.append", ok.Name)
	require.Equal(t, map[attribute.Key]any{"db.system.name": "eventstoredb", "eventstore.stream": stream,
		"eventstore.expected_revision": "no stream", "eventstore.event_count": int64(2), "eventstore.next_revision": int64(1)}, attrs(ok))
	require.Equal(t, codes.Unset, ok.Status.Code)

	require.Equal(t, "eventstore.append", conflict.Name)
	require.Equal(t, "7", attrs(conflict)["eventstore.expected_revision"])
	require.Equal(t, codes.Error, conflict.Status.Code)
	require.Contains(t, conflict.Status.Description, "expected")

	require.Equal(t, "eventstore.read", read.Name)
	require.Equal(t, int64(2), attrs(read)["eventstore.event_count"])
	require.Equal(t, int64(0), attrs(read)["eventstore.from_revision"])
}

func TestSubscribingIsASpanAroundTheOpen(t *testing.T) {
	exp := recordSpans(t)
	j := openJournal(t, startServer(t).URL())
	stream := newJourney()
	ctx := testCtx(t)
	_, err := j.Append(ctx, stream, events.NoStream(), stringEvents("s", 1)...)
	require.NoError(t, err)

	errDone := errors.New("got the event")
	err = j.SubscribeStream(ctx, stream, events.StreamFromStart(), func(context.Context, events.Recorded) error { return errDone })
	require.ErrorIs(t, err, errDone)

	var names []string
	for _, s := range spansOf(exp, stream) {
		names = append(names, s.Name)
	}
	require.Equal(t, []string{"eventstore.append", "eventstore.subscribe"}, names, "the subscription span ends once it is open")
}

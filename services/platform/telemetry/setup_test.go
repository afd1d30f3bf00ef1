package telemetry

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// readSpans reads a trace file.
func readSpans(t *testing.T, path string) []SpanRecord {
	t.Helper()
	f, err := os.Open(path) //nolint:gosec // the test's own temporary file
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	var out []SpanRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r SpanRecord
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), "line %q", sc.Text())
		out = append(out, r)
	}
	require.NoError(t, sc.Err())
	return out
}

func byName(spans []SpanRecord) map[string]SpanRecord {
	out := map[string]SpanRecord{}
	for _, s := range spans {
		out[s.Name] = s
	}
	return out
}

func TestSetupWritesEverySpanToTheTraceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	shutdown, err := Setup(t.Context(), Config{ServiceName: "finance", ServiceVersion: "1.2.3", TraceFile: path})
	require.NoError(t, err)

	tracer := otel.Tracer("telemetry-test")
	ctx, parent := tracer.Start(t.Context(), "parent")
	_, child := tracer.Start(ctx, "child", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("stream", "journey-x"), attribute.Int("count", 2)))
	child.RecordError(errors.New("wrong expected revision"))
	child.SetStatus(codes.Error, "wrong expected revision")
	child.End()
	parent.End()
	require.NoError(t, shutdown(t.Context()))

	spans := byName(readSpans(t, path))
	require.Len(t, spans, 2)
	p, c := spans["parent"], spans["child"]
	require.Equal(t, p.TraceID, c.TraceID, "one trace")
	require.Equal(t, p.SpanID, c.ParentSpanID)
	require.Empty(t, p.ParentSpanID, "the parent is the root")
	require.Equal(t, "client", c.Kind)
	require.Equal(t, "internal", p.Kind)
	require.Equal(t, "finance", c.Service)
	require.Equal(t, "telemetry-test", c.Scope)
	require.Equal(t, "Error", c.Status)
	require.Equal(t, "wrong expected revision", c.StatusMessage)
	require.Equal(t, map[string]any{"stream": "journey-x", "count": float64(2)}, c.Attributes)
	require.False(t, c.End.Before(c.Start))
}

func TestSetupAppendsToAnExistingTraceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	for _, name := range []string{"first run", "second run"} {
		shutdown, err := Setup(t.Context(), Config{ServiceName: "devstack", TraceFile: path})
		require.NoError(t, err)
		_, span := otel.Tracer("telemetry-test").Start(t.Context(), name)
		span.End()
		require.NoError(t, shutdown(t.Context()))
	}
	spans := byName(readSpans(t, path))
	require.Contains(t, spans, "first run")
	require.Contains(t, spans, "second run")
}

func TestSetupWithoutExportersStillPropagatesContext(t *testing.T) {
	shutdown, err := Setup(t.Context(), Config{ServiceName: "dashboard"})
	require.NoError(t, err)
	defer func() { require.NoError(t, shutdown(t.Context())) }()

	ctx, span := otel.Tracer("telemetry-test").Start(t.Context(), "call")
	defer span.End()
	require.True(t, span.SpanContext().IsValid(), "a real provider makes real span contexts")
	require.True(t, span.SpanContext().IsSampled())

	carrier := propagation.MapCarrier{}
	ctx = propagation.Baggage{}.Extract(ctx, propagation.MapCarrier{"baggage": "pathway=msk"})
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	require.Contains(t, carrier["traceparent"], span.SpanContext().TraceID().String(), "W3C tracecontext")
	require.Equal(t, "pathway=msk", carrier["baggage"], "W3C baggage")
}

func TestSetupRefusesABadConfigAndInstallsNothing(t *testing.T) {
	before := otel.GetTracerProvider()
	_, err := Setup(t.Context(), Config{ServiceName: "x", OTLPEndpoint: "localhost:4317"})
	require.ErrorContains(t, err, "otlp-endpoint:")
	require.Equal(t, before, otel.GetTracerProvider())

	_, err = Setup(t.Context(), Config{ServiceName: "x", TraceFile: filepath.Join(t.TempDir(), "missing", "spans.jsonl")})
	require.ErrorContains(t, err, "trace-file:")
	require.Equal(t, before, otel.GetTracerProvider())
}

func TestShutdownWithinFlushesAfterTheCallersContextEnded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	shutdown, err := Setup(t.Context(), Config{ServiceName: "worker", TraceFile: path})
	require.NoError(t, err)
	_, span := otel.Tracer("telemetry-test").Start(t.Context(), "last call")
	span.End()
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	require.NoError(t, shutdown.Within(ended, 5*time.Second))
	require.Contains(t, byName(readSpans(t, path)), "last call")
}

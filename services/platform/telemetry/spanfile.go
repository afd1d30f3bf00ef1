package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// spanFileFlushEvery is how long a finished span may wait before it is written to the trace file.
const spanFileFlushEvery = 500 * time.Millisecond

// SpanRecord is one line of a trace file: a finished span.
type SpanRecord struct {
	TraceID      string `json:"trace_id"`
	SpanID       string `json:"span_id"`
	ParentSpanID string `json:"parent_span_id,omitempty"`
	Name         string `json:"name"`
	// Kind is "server", "client", "producer", "consumer" or "internal".
	Kind    string `json:"kind"`
	Service string `json:"service"`
	// Scope is the instrumentation that made the span (e.g. the otelgrpc package).
	Scope string    `json:"scope"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Status is "Unset", "Ok" or "Error"; StatusMessage the error's description.
	Status        string         `json:"status"`
	StatusMessage string         `json:"status_message,omitempty"`
	Attributes    map[string]any `json:"attributes,omitempty"`
}

// spanFile is a span exporter appending SpanRecords to a file, one JSON object per line. It is
// safe for concurrent use.
type spanFile struct {
	service string
	mu      sync.Mutex
	f       *os.File
}

func openSpanFile(path, service string) (*spanFile, error) {
	f, err := os.OpenFile(filepath.Clean(path), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("telemetry: trace-file: %w", err)
	}
	return &spanFile{service: service, f: f}, nil
}

// ExportSpans appends spans as one write, so lines of concurrent batches never interleave.
func (s *spanFile) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, sp := range spans {
		if err := enc.Encode(s.record(sp)); err != nil {
			return fmt.Errorf("encode span %s: %w", sp.Name(), err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	if _, err := s.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write trace file: %w", err)
	}
	return nil
}

// Shutdown closes the file; later exports are dropped.
func (s *spanFile) Shutdown(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if err != nil {
		return fmt.Errorf("close trace file: %w", err)
	}
	return nil
}

func (s *spanFile) record(sp sdktrace.ReadOnlySpan) SpanRecord {
	r := SpanRecord{
		TraceID: sp.SpanContext().TraceID().String(), SpanID: sp.SpanContext().SpanID().String(),
		Name: sp.Name(), Kind: sp.SpanKind().String(), Service: s.service, Scope: sp.InstrumentationScope().Name,
		Start: sp.StartTime(), End: sp.EndTime(), Status: sp.Status().Code.String(), StatusMessage: sp.Status().Description,
	}
	if p := sp.Parent(); p.IsValid() {
		r.ParentSpanID = p.SpanID().String()
	}
	if attrs := sp.Attributes(); len(attrs) > 0 {
		r.Attributes = make(map[string]any, len(attrs))
		for _, kv := range attrs {
			r.Attributes[string(kv.Key)] = kv.Value.AsInterface()
		}
	}
	return r
}

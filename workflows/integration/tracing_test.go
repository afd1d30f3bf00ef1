package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nhs-pathways/pathways/workflows/journey"
)

// A journey run through the stack, wired as production, records each workflow, update and
// activity span once. A tracing interceptor that intercepts the worker twice (given to the client,
// which applies it to its workers, and listed on the worker too) nests every such span in a copy
// of itself.
func TestEachWorkflowAndActivitySpanIsRecordedOnce(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	s := newStack(t, withTracerProvider(tp))

	ref := referral("R-TRACE-1", "msk")
	id := journey.JourneyID(ref.ReferralID)
	run := s.start(t, ref)
	baseline := []journey.Score{{Measure: "msk-hq", Value: 30}, {Measure: "eq5d5l-index", Value: 0.61}, {Measure: "eq-vas", Value: 60}}
	s.update(t, id, journey.UpdateTriage, "triage", journey.TriageRequest{Disposition: "cats", Baseline: baseline, RequestedBy: nurse})
	s.update(t, id, journey.UpdateCancel, "cancel", journey.CancelRequest{Reason: "moved-away", RequestedBy: nurse})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, run.Get(ctx, nil))

	spans := recorder.Ended()
	byID := map[string]sdktrace.ReadOnlySpan{}
	count := map[string]int{}
	for _, sp := range spans {
		byID[sp.SpanContext().SpanID().String()] = sp
		count[sp.Name()]++
	}
	for _, sp := range spans {
		if parent, ok := byID[sp.Parent().SpanID().String()]; ok {
			require.NotEqual(t, sp.Name(), parent.Name(), "span %s is nested in a copy of itself: traced twice", sp.Name())
		}
	}
	require.Equal(t, 1, count["StartWorkflow:"+journey.WorkflowName], "the client's start")
	require.Equal(t, 1, count["RunWorkflow:"+journey.WorkflowName], "the worker's run")
	for _, u := range []string{journey.UpdateTriage, journey.UpdateCancel} {
		require.Equal(t, 1, count["UpdateWorkflow:"+u], "the client's %s", u)
		require.Equal(t, 1, count["HandleUpdate:"+u], "the worker's %s", u)
	}
	activities := 0
	for name, n := range count {
		if strings.HasPrefix(name, "RunActivity:") {
			activities += n
		}
	}
	require.Positive(t, activities, "activity spans recorded: %v", count)
}

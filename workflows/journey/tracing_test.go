package journey

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
)

// spansNamed returns the ended spans with the name, in end order.
func spansNamed(spans []sdktrace.ReadOnlySpan, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// Pushes run in the workflow's push loop, but each push's activity span is a child of the span of
// the update that queued it (or of the workflow run, for facts the run itself recorded), so a
// trace shows what a coordinator's request caused downstream.
func TestPushesJoinTheTraceOfTheUpdateThatQueuedThem(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	ics, err := interceptorsWith(opentelemetry.TracerOptions{Tracer: provider.Tracer("journey-test")})
	require.NoError(t, err)
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{ics[0]}})
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "test over", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("triage", "end")

	spans := recorder.Ended()
	triage := spansNamed(spans, "HandleUpdate:"+UpdateTriage)
	require.Len(t, triage, 1)
	run := spansNamed(spans, "RunWorkflow:"+WorkflowName)
	require.Len(t, run, 1)

	outcome := spansNamed(spans, "StartActivity:PushFinanceOutcome")
	require.Len(t, outcome, 1, "the triage baseline")
	require.Equal(t, triage[0].SpanContext().TraceID(), outcome[0].SpanContext().TraceID())
	require.Equal(t, triage[0].SpanContext().SpanID(), outcome[0].Parent().SpanID(), "the push hangs under the Triage update")

	facts := spansNamed(spans, "StartActivity:PushDashboardFact")
	byParent := map[string]int{}
	for _, f := range facts {
		byParent[f.Parent().SpanID().String()]++
	}
	require.Equal(t, 1, byParent[run[0].SpanContext().SpanID().String()], "the referral fact, recorded by the run itself")
	require.Equal(t, 2, byParent[triage[0].SpanContext().SpanID().String()], "the triage and RTT-started facts")
	cancel := spansNamed(spans, "HandleUpdate:"+UpdateCancel)
	require.Len(t, cancel, 1)
	require.Equal(t, 1, byParent[cancel[0].SpanContext().SpanID().String()], "the cancellation fact")
}

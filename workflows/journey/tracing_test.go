package journey

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
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

// tracedJourney runs a triaged-then-cancelled MSK journey with the Temporal tracing interceptor
// and the global tracer provider recording, and returns the ended spans.
func tracedJourney(t *testing.T, offersDown bool) []sdktrace.ReadOnlySpan {
	t.Helper()
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	global := otel.GetTracerProvider()
	otel.SetTracerProvider(provider)
	t.Cleanup(func() { otel.SetTracerProvider(global) })
	tracing, err := tracingInterceptor(provider)
	require.NoError(t, err)
	h := newHarness(t, builtinYAML(t, "msk", 1))
	h.journal.offersDown = offersDown
	// The test environment has no client to inherit the interceptor from: the worker lists it.
	h.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{tracing}})
	h.after(time.Hour, UpdateTriage, "triage", TriageRequest{Disposition: "cats", Baseline: mskBaseline(), RequestedBy: nurse})
	h.after(time.Hour, UpdateCancel, "end", CancelRequest{Reason: "other", RequestedBy: nurse})
	h.run(Input{Referral: referral("msk")})
	h.requireOK("triage", "end")
	return recorder.Ended()
}

// The pushes a commit delivers are in the trace of the update (or run) whose change it stores:
// each push's span hangs under the commit activity, itself under the update.
func TestPushesOfACommitAreInTheTraceOfItsUpdate(t *testing.T) {
	spans := tracedJourney(t, false)
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID().String()] = s
	}
	// ancestors lists the names of s's ancestors, nearest first.
	ancestors := func(s sdktrace.ReadOnlySpan) []string {
		var out []string
		for p, ok := byID[s.Parent().SpanID().String()]; ok; p, ok = byID[p.Parent().SpanID().String()] {
			out = append(out, p.Name())
		}
		return out
	}
	// cause is the nearest ancestor of a push that is an update handler or the run, after the commit
	// activity's spans.
	cause := func(s sdktrace.ReadOnlySpan) string {
		a := ancestors(s)
		require.NotEmpty(t, a)
		require.Equal(t, "RunActivity:CommitJourneyEvents", a[0], "a push hangs under its commit: %v", a)
		for _, name := range a {
			if strings.HasPrefix(name, "HandleUpdate:") || strings.HasPrefix(name, "RunWorkflow:") {
				require.Contains(t, a, "StartActivity:CommitJourneyEvents")
				return name
			}
		}
		return ""
	}
	outcome := spansNamed(spans, "journey.push "+string(PushFinanceOutcome))
	require.Len(t, outcome, 1, "the triage baseline")
	require.Equal(t, "HandleUpdate:"+UpdateTriage, cause(outcome[0]))

	byUpdate := map[string]int{}
	for _, f := range spansNamed(spans, "journey.push "+string(PushDashboardFact)) {
		byUpdate[cause(f)]++
	}
	require.Equal(t, map[string]int{"RunWorkflow:" + WorkflowName: 1, "HandleUpdate:" + UpdateTriage: 2, "HandleUpdate:" + UpdateCancel: 1}, byUpdate,
		"the referral fact (recorded by the run), the triage and RTT-started facts, the cancellation fact")
}

// Pushes the commit could not deliver run in the workflow's push loop, but each push activity's
// span is a child of the span of the update that queued it (or of the workflow run, for facts
// the run itself recorded), so a trace shows what a coordinator's request caused downstream.
func TestPushesLeftToThePushLoopJoinTheTraceOfTheUpdateThatQueuedThem(t *testing.T) {
	spans := tracedJourney(t, true)
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

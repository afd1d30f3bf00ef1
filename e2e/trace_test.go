package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// Span names the single-trace test looks for (otelgrpc: "<package>.<Service>/<Method>"; Temporal
// tracing interceptor: "<Operation>:<name>"; the journal: "eventstore.<call>").
const (
	spanGateway         = "HTTP POST"
	spanTriage          = "pathways.coordinator.v1.CoordinatorService/Triage"
	spanComplete        = "pathways.coordinator.v1.CoordinatorService/CompleteIntervention"
	spanUpdateTriage    = "UpdateWorkflow:Triage"
	spanHandleTriage    = "HandleUpdate:Triage"
	spanUpdateComplete  = "UpdateWorkflow:CompleteIntervention"
	spanHandleComplete  = "HandleUpdate:CompleteIntervention"
	spanStartCommit     = "StartActivity:CommitJourneyEvents"
	spanRunCommit       = "RunActivity:CommitJourneyEvents"
	spanAppend          = "eventstore.append"
	spanPushDashboard   = "journey.push dashboard-fact"
	spanPushFinance     = "journey.push finance-activity"
	spanPushOutcome     = "journey.push finance-outcome"
	spanDashboardIngest = "pathways.dashboard.v1.DashboardIngestService/RecordJourneyFact"
	spanFinanceIngest   = "pathways.finance.v1.FinanceIngestService/RecordActivity"
	spanFinanceOutcome  = "pathways.finance.v1.FinanceIngestService/RecordOutcome"
)

// TestOneTraceFromTheAPIThroughTheJourneyToTheEventStoreAndIngest runs the devstack with
// --trace-file, calls the coordinator as a traced client would (a W3C traceparent of a span of
// this test) and reads the spans every in-process service wrote: the API call, the Temporal
// update, the workflow's update handler, the commit activity and its event store append, and the
// ingest pushes the transition caused, all in the caller's one trace.
func TestOneTraceFromTheAPIThroughTheJourneyToTheEventStoreAndIngest(t *testing.T) {
	requireFull(t)
	t.Parallel()
	spans := traceFile(filepath.Join(t.TempDir(), "spans.jsonl"))
	d := startForTest(t, t.TempDir(), false, "--trace-file", string(spans))
	t.Cleanup(func() {
		if t.Failed() {
			raw, err := os.ReadFile(string(spans))
			t.Logf("trace file (%v):\n%s", err, raw)
		}
	})
	c := d.coordinator(t)
	traceContract(t, d)
	id, _ := submitted(t, d, c, "E2E-TRACE-"+uniqueSuffix())

	// Triage over REST: gateway, gRPC, Temporal update, workflow, append, and the pushes of the
	// baseline outcome to finance and of the triage fact to the dashboard.
	triage := newCallerSpan(t)
	res := tracedTransition(t, d, triage, id, "triage", map[string]any{"requestId": "trace-triage", "disposition": "cats",
		"baseline": []map[string]any{{"code": "msk-hq", "value": 30}}})
	require.Equal(t, "cats-assessment", res.GetStage())

	tr := spans.await(t, triage, spanGateway, spanTriage, spanUpdateTriage, spanHandleTriage, spanStartCommit, spanRunCommit, spanAppend)
	tr.requireOneTree(t)
	server := tr.only(t, spanTriage, "server")
	require.Equal(t, triage.traceID, server.TraceID, "the coordinator's Triage server span is in the caller's trace")
	appendSpan := tr.append(t, "journey-")
	tr.requireChain(t, tr.append(t, "audit-"), spanTriage) // the access audit trail records the change, in the same trace
	require.Equal(t, "journey-"+id, appendSpan.Attributes["eventstore.stream"])
	require.Equal(t, "Unset", appendSpan.Status, "the append succeeded")
	for _, name := range []string{spanUpdateTriage, spanStartCommit} {
		tr.only(t, name, "client")
	}
	for _, name := range []string{spanHandleTriage, spanRunCommit} {
		tr.only(t, name, "server") // once: the worker records each workflow and activity span once
	}
	tr.requireChain(t, appendSpan, spanRunCommit, spanStartCommit, spanHandleTriage, spanUpdateTriage, spanTriage, spanGateway)
	// The commit activity that appended the triage's events offers its pushes to finance and the
	// dashboard, each push a span under it.
	t.Run("the triage's pushes to finance and the dashboard are in its trace", func(t *testing.T) {
		tr := spans.await(t, triage, spanPushOutcome, spanFinanceOutcome, spanPushDashboard, spanDashboardIngest)
		tr.requireOneTree(t)
		tr.requireAcceptedPush(t, spanPushOutcome, spanFinanceOutcome, spanRunCommit, spanHandleTriage, spanTriage, spanGateway)
		tr.requireAcceptedPush(t, spanPushDashboard, spanDashboardIngest, spanRunCommit, spanHandleTriage, spanTriage, spanGateway)
		t.Logf("spans in the triage's trace: %v", tr.names())
	})

	// Completing an intervention over gRPC (traceparent in the metadata) charges finance.
	cats := scheduledAndStarted(t, d, c, id)
	complete := newCallerSpan(t)
	_, err := c.CompleteIntervention(complete.outgoing(t, d), &coordinatorv1.CompleteInterventionRequest{JourneyId: id,
		RequestId: "trace-complete", InterventionId: cats})
	require.NoError(t, err)
	tr = spans.await(t, complete, spanComplete, spanUpdateComplete, spanHandleComplete, spanRunCommit, spanAppend)
	tr.requireOneTree(t)
	tr.requireChain(t, tr.append(t, "journey-"), spanRunCommit, spanHandleComplete, spanUpdateComplete, spanComplete)
	t.Run("the completion's charge to finance is in its trace", func(t *testing.T) {
		tr := spans.await(t, complete, spanPushFinance, spanFinanceIngest)
		tr.requireOneTree(t)
		tr.requireAcceptedPush(t, spanPushFinance, spanFinanceIngest, spanRunCommit, spanComplete)
	})
	t.Logf("spans in the completion's trace: %v", tr.names())
}

// traceContract creates the MSK contract of the contract year holding now, so finance takes the
// journey's pushes.
func traceContract(t *testing.T, d *devstack) {
	t.Helper()
	admin := d.financeAdmin(t)
	year := time.Now().Year()
	if time.Now().Month() < time.April {
		year--
	}
	_, err := d.finance(t).CreateContract(admin, &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: int32(year), AnnualBudgetPence: 100_000_000, Population: 1000, Currency: "GBP",
		UnitPrices: builtinPrices("msk")}})
	require.NoError(t, err)
}

// scheduledAndStarted books and starts the CATS assessment of a triaged journey.
func scheduledAndStarted(t *testing.T, d *devstack, c coordinatorv1.CoordinatorServiceClient, journeyID string) string {
	t.Helper()
	booked, err := c.ScheduleIntervention(d.coordinating(t), &coordinatorv1.ScheduleInterventionRequest{JourneyId: journeyID,
		RequestId: "trace-book", Intervention: "cats-assessment", ScheduledFor: timestamppb.New(time.Now().Add(time.Hour))})
	require.NoError(t, err)
	ivID := booked.GetResult().GetInterventionId()
	_, err = c.StartIntervention(d.coordinating(t), &coordinatorv1.StartInterventionRequest{JourneyId: journeyID,
		RequestId: "trace-start", InterventionId: ivID})
	require.NoError(t, err)
	return ivID
}

// callerSpan is a span of this test, sent as a W3C traceparent so the call's trace is known.
type callerSpan struct{ traceID, spanID string }

func newCallerSpan(t *testing.T) callerSpan {
	t.Helper()
	return callerSpan{traceID: randomHex(t, 16), spanID: randomHex(t, 8)}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func (c callerSpan) traceparent() string { return "00-" + c.traceID + "-" + c.spanID + "-01" }

// outgoing is a coordinator call context carrying the traceparent.
func (c callerSpan) outgoing(t *testing.T, d *devstack) context.Context {
	return metadata.AppendToOutgoingContext(d.coordinating(t), "traceparent", c.traceparent())
}

// tracedTransition posts one REST transition with the caller's traceparent.
func tracedTransition(t *testing.T, d *devstack, caller callerSpan, journeyID, action string, body map[string]any) *coordinatorv1.TransitionResult {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	url := "https://" + d.addr.coordinatorHTTP + "/v1/journeys/" + journeyID + ":" + action
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.token(t, coordinatorPerson))
	req.Header.Set("Traceparent", caller.traceparent())
	resp, err := d.httpClient(t).Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", action, answer)
	var wrapped struct {
		Result json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal(answer, &wrapped), "%s", answer)
	var res coordinatorv1.TransitionResult
	require.NoError(t, protojson.Unmarshal(wrapped.Result, &res), "%s", answer)
	return &res
}

// spanRecord is one line of the devstack's --trace-file (services/platform/telemetry.SpanRecord).
type spanRecord struct {
	TraceID      string         `json:"trace_id"`
	SpanID       string         `json:"span_id"`
	ParentSpanID string         `json:"parent_span_id"`
	Name         string         `json:"name"`
	Kind         string         `json:"kind"`
	Status       string         `json:"status"`
	Attributes   map[string]any `json:"attributes"`
}

// traceFile is the path of a devstack's trace file.
type traceFile string

// read returns every span written so far (a line still being written is left for later).
func (f traceFile) read() ([]spanRecord, error) {
	raw, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []spanRecord
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var r spanRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // the last line, half written
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// await polls the file until the caller's trace holds a span of every name in want (spans are
// written in batches, and the pushes run after the call returned), and returns that trace.
func (f traceFile) await(t *testing.T, caller callerSpan, want ...string) trace {
	t.Helper()
	var tr trace
	eventually(t, time.Minute, "spans "+strings.Join(want, ", ")+" in trace "+caller.traceID, func() error {
		all, err := f.read()
		if err != nil {
			return err
		}
		tr = trace{caller: caller}
		for _, s := range all {
			if s.TraceID == caller.traceID {
				tr.spans = append(tr.spans, s)
			}
		}
		var missing []string
		for _, name := range want {
			if len(tr.named(name)) == 0 {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("missing %v; the trace has %v", missing, tr.names())
		}
		return tr.orphan()
	})
	return tr
}

// trace is the spans of one trace ID, started by the test's caller span.
type trace struct {
	caller callerSpan
	spans  []spanRecord
}

func (tr trace) named(name string) []spanRecord {
	var out []spanRecord
	for _, s := range tr.spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func (tr trace) names() []string {
	out := make([]string, 0, len(tr.spans))
	for _, s := range tr.spans {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

// append returns the one event store append span to a stream named with prefix (the journey's
// stream, or the day's access audit stream).
func (tr trace) append(t *testing.T, prefix string) spanRecord {
	t.Helper()
	var found []spanRecord
	for _, s := range tr.named(spanAppend) {
		if stream, _ := s.Attributes["eventstore.stream"].(string); s.Kind == "client" && strings.HasPrefix(stream, prefix) {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "one append to a %s stream in the trace (it has %v)", prefix, tr.names())
	return found[0]
}

// only returns the one span of that name and kind.
func (tr trace) only(t *testing.T, name, kind string) spanRecord {
	t.Helper()
	var found []spanRecord
	for _, s := range tr.named(name) {
		if s.Kind == kind {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "one %s span %q in the trace (it has %v)", kind, name, tr.names())
	return found[0]
}

// orphan reports a span whose parent is neither in the trace nor the caller's span.
func (tr trace) orphan() error {
	ids := map[string]bool{tr.caller.spanID: true}
	for _, s := range tr.spans {
		ids[s.SpanID] = true
	}
	for _, s := range tr.spans {
		if !ids[s.ParentSpanID] {
			return fmt.Errorf("span %s (%s) has parent %q, not in the trace (yet)", s.Name, s.SpanID, s.ParentSpanID)
		}
	}
	return nil
}

// requireOneTree checks every span descends from the caller's span: one trace, no second root.
func (tr trace) requireOneTree(t *testing.T) {
	t.Helper()
	require.NoError(t, tr.orphan())
}

// requireAcceptedPush checks every ingest server span of that name (one at least: a transition
// may queue several facts) took its push (gRPC OK) and descends from the push activity and the
// named calls, in this order.
func (tr trace) requireAcceptedPush(t *testing.T, activity, ingest string, calls ...string) {
	t.Helper()
	var received []spanRecord
	for _, s := range tr.named(ingest) {
		if s.Kind == "server" {
			received = append(received, s)
		}
	}
	require.NotEmpty(t, received, "a server span %q in the trace (it has %v)", ingest, tr.names())
	for _, r := range received {
		require.Equal(t, "OK", r.Attributes["rpc.response.status_code"], "%s accepted the push", ingest)
		tr.requireChain(t, r, append([]string{activity}, calls...)...)
	}
}

// requireChain checks that names appear, in this order, among the ancestors of s (nearest
// first), and that the chain ends at the caller's span.
func (tr trace) requireChain(t *testing.T, s spanRecord, names ...string) {
	t.Helper()
	byID := map[string]spanRecord{}
	for _, x := range tr.spans {
		byID[x.SpanID] = x
	}
	var ancestors []string
	for p := s.ParentSpanID; p != tr.caller.spanID; p = byID[p].ParentSpanID {
		parent, ok := byID[p]
		require.True(t, ok, "ancestor %s of %s is in the trace", p, s.Name)
		ancestors = append(ancestors, parent.Name)
	}
	rest := ancestors
	for _, want := range names {
		i := slices.Index(rest, want)
		require.GreaterOrEqual(t, i, 0, "%s descends from %v in this order; its ancestors are %v", s.Name, names, ancestors)
		rest = rest[i+1:]
	}
}

package stack_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// TestEveryServiceAnswersAndTheDemoLoadsOnce starts the whole stack, calls each service for
// real over TLS with demo people's tokens, loads the demo population and loads it again, and
// checks what the security of the stack promises its users (see security_test.go).
func TestEveryServiceAnswersAndTheDemoLoadsOnce(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.UI = true
	s := startStack(t, cfg)

	var banner bytes.Buffer
	require.NoError(t, s.WriteBanner(&banner))
	for _, want := range []string{"temporal", "temporal-ui", "eventstore", "governance", "finance", "dashboard", "worker",
		"coordinator", "openid-provider", s.CoordinatorAddr, s.TemporalAddr, s.DashboardAddr, s.UIAddr, s.Issuer(), s.CAFile(),
		"https://" + s.CoordinatorHTTPAddr, s.DashboardURL()} {
		require.Contains(t, banner.String(), want)
	}
	require.NotContains(t, banner.String(), eventStorePassword(t, s), "the banner hides the event store password")

	requireTemporal(t, s)
	requireUI(t, s)
	requireEventStore(t, s)
	c := clientsOf(t, s)
	for _, pathway := range []string{"msk", "copd"} {
		v, err := c.governance.GetVersionInEffect(c.as(t, author), &governancev1.GetVersionInEffectRequest{PathwayId: pathway})
		require.NoError(t, err, pathway)
		require.EqualValues(t, 1, v.GetVersion().GetVersion(), pathway)
	}
	for _, addr := range []string{s.FinanceAddr, s.CoordinatorAddr, s.GovernanceAddr, s.DashboardAddr} {
		// Health answers without a token, so probes need no identity (but over TLS).
		h, err := healthpb.NewHealthClient(dial(t, s, addr)).Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(t, err, addr)
		require.Equal(t, healthpb.HealthCheckResponse_SERVING, h.GetStatus(), addr)
	}

	loader := demoLoader(c)
	loaded, err := loader.Load(t.Context())
	require.NoError(t, err)
	require.Len(t, loaded, len(demo.Population()))
	requireStages(t, c, loaded)
	tc := temporalClient(t, s)
	requireJourneyCount(t, tc, len(loaded))
	requireSpent(t, c, "msk")

	again, err := loader.Load(t.Context())
	require.NoError(t, err, "loading the demo again")
	for _, l := range again {
		require.True(t, l.Skipped, "%s is loaded once", l.JourneyID)
	}
	requireJourneyCount(t, tc, len(loaded))

	requireSecurity(t, s, c, loaded)
	requirePayloadEncryption(t, s, loaded)
}

// temporalClient dials the Temporal frontend as the coordinator does: mutual TLS with the
// coordinator's certificate of the local CA.
func temporalClient(t *testing.T, s *stack.Stack) client.Client {
	t.Helper()
	tlsCfg, err := tlsClient(s, "coordinator").Config()
	require.NoError(t, err)
	tc, err := client.Dial(client.Options{HostPort: s.TemporalAddr, Namespace: stack.DefaultNamespace,
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg}})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	return tc
}

// requireTemporal checks the namespace and its search attributes, and that the frontend
// refuses a client without a certificate of the local CA.
func requireTemporal(t *testing.T, s *stack.Stack) {
	t.Helper()
	tc := temporalClient(t, s)
	ns, err := tc.WorkflowService().DescribeNamespace(t.Context(), &workflowservice.DescribeNamespaceRequest{Namespace: stack.DefaultNamespace})
	require.NoError(t, err)
	require.Equal(t, stack.DefaultNamespace, ns.GetNamespaceInfo().GetName())
	attrs, err := tc.OperatorService().ListSearchAttributes(t.Context(), &operatorservice.ListSearchAttributesRequest{Namespace: stack.DefaultNamespace})
	require.NoError(t, err)
	for _, k := range journey.SearchAttributes() {
		require.Equal(t, k.GetValueType(), attrs.GetCustomAttributes()[k.GetName()], k.GetName())
	}

	noCert, err := tlsClient(s, "").Config()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	anon, err := client.DialContext(ctx, client.Options{HostPort: s.TemporalAddr, Namespace: stack.DefaultNamespace,
		ConnectionOptions: client.ConnectionOptions{TLS: noCert}})
	if err == nil {
		anon.Close()
	}
	require.Error(t, err, "Temporal admits a client without a certificate of the local CA")
}

// requireUI checks the Temporal Web UI as a browser meets it: its page over HTTPS (certificate
// of the local CA), its API closed without a sign-in, and signing in through the devstack's
// provider as a demo person, coming back to the UI.
func requireUI(t *testing.T, s *stack.Stack) {
	t.Helper()
	hc := httpsClient(t, s)
	base := "https://" + s.UIAddr
	status, body := get(t, hc, base+"/")
	require.Equal(t, http.StatusOK, status, "the UI's page")
	require.Contains(t, body, "<!doctype html>")
	status, body = get(t, hc, base+"/api/v1/namespaces/"+stack.DefaultNamespace)
	require.Equal(t, http.StatusUnauthorized, status, "the UI's API without a sign-in: %s", body)

	back, _ := signIn(t, s, base+"/auth/sso", coordU90001)
	require.Equal(t, base, back.Scheme+"://"+back.Host, "after signing in the browser is back at the UI (%s)", back)
}

// get is a GET without credentials: the status and body.
func get(t *testing.T, hc *http.Client, url string) (int, string) {
	t.Helper()
	return getWithToken(t, hc, url, "")
}

// requireEventStore appends and reads with the services' credentials (EventStoreURL), and
// checks the same address without them may not append.
func requireEventStore(t *testing.T, s *stack.Stack) {
	t.Helper()
	j, err := events.Open(t.Context(), s.EventStoreURL)
	require.NoError(t, err)
	defer func() { _ = j.Close() }()
	stream := "devstack-check-" + uuid.NewString()
	_, err = j.Append(t.Context(), stream, events.NoStream(), events.Event{ID: uuid.New(), Payload: &journeyv1.TriageBreached{JourneyId: "check"}})
	require.NoError(t, err)
	recs, err := j.ReadStream(t.Context(), stream)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "check", recs[0].Payload.(*journeyv1.TriageBreached).GetJourneyId())

	requireRefusedAppend(t, j, withoutCredentials(t, s.EventStoreURL), "anonymous")
	requireRefusedAppend(t, j, withPassword(t, s.EventStoreURL, "wrong-password"), "a wrong password")
}

// requireStages checks every demo journey is where its script leaves it.
func requireStages(t *testing.T, c clients, loaded []demo.Loaded) {
	t.Helper()
	for _, l := range loaded {
		// Each journey is read by the coordinator of its PCN.
		coordinator := demo.Person("coordinator", l.Patient.PCN)
		got, err := c.coordinator.GetJourney(c.as(t, coordinator), &coordinatorv1.GetJourneyRequest{JourneyId: l.JourneyID})
		require.NoError(t, err, l.JourneyID)
		j := got.GetJourney()
		msg := fmt.Sprintf("%s (%s): stage %s, status %s", l.JourneyID, l.Patient.Ends, j.GetStage(), j.GetStatus())
		switch l.Patient.Ends {
		case demo.AwaitingTriage, demo.TriageBreached:
			require.Equal(t, "active", j.GetStatus(), msg)
			require.Nil(t, j.GetTriage().GetCompletedAt(), msg)
		case demo.InIntervention:
			require.Equal(t, "active", j.GetStatus(), msg)
			requireOnWorklist(t, c, coordinator, coordinatorv1.Worklist_WORKLIST_IN_INTERVENTION, l.JourneyID)
		case demo.OutcomeReview:
			require.Equal(t, "outcome-review", j.GetStage(), msg)
		case demo.Discharged:
			require.Equal(t, "discharged", j.GetStage(), msg)
			require.Contains(t, []string{"discharged", "closed"}, j.GetStatus(), "closed once no follow-up is left: %s", msg)
		case demo.Cancelled:
			require.Equal(t, "cancelled", j.GetStatus(), msg)
		default:
			t.Fatalf("unknown end %q", l.Patient.Ends)
		}
		admissions := 0
		for _, e := range got.GetTimeline() {
			if e.GetType() == "HospitalAdmissionRecorded" {
				admissions++
			}
		}
		require.Equal(t, l.Patient.Admissions(), admissions, "hospital admissions on the timeline of %s", msg)
		if l.Patient.PathwayID == "msk" && l.Patient.Ends == demo.AwaitingTriage {
			requireOnWorklist(t, c, coordinator, coordinatorv1.Worklist_WORKLIST_AWAITING_TRIAGE, l.JourneyID)
		}
	}
}

// requireOnWorklist waits until the journey is on the coordinator's worklist w.
func requireOnWorklist(t *testing.T, c clients, coordinator string, w coordinatorv1.Worklist, journeyID string) {
	t.Helper()
	eventually(t, 30*time.Second, journeyID+" on "+w.String(), func() error {
		resp, err := c.coordinator.ListWorklist(c.as(t, coordinator), &coordinatorv1.ListWorklistRequest{Worklist: w, PageSize: 100})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(resp.GetItems(), func(i *coordinatorv1.WorklistItem) bool { return i.GetJourneyId() == journeyID }) {
			return fmt.Errorf("%d items, not %s", len(resp.GetItems()), journeyID)
		}
		return nil
	})
}

// requireJourneyCount waits until visibility counts n journey workflows.
func requireJourneyCount(t *testing.T, tc client.Client, n int) {
	t.Helper()
	eventually(t, 30*time.Second, fmt.Sprintf("%d journeys", n), func() error {
		resp, err := tc.CountWorkflow(t.Context(), &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: stack.DefaultNamespace, Query: fmt.Sprintf("WorkflowType = '%s'", journey.WorkflowName)})
		if err != nil {
			return err
		}
		if resp.GetCount() != int64(n) {
			return fmt.Errorf("%d journeys", resp.GetCount())
		}
		return nil
	})
}

// requireSpent waits until the worker's pushes show as spending on the pathway's demo contract.
func requireSpent(t *testing.T, c clients, pathway string) {
	t.Helper()
	id := fmt.Sprintf("%s-%d", pathway, demo.Contracts(time.Now())[0].GetContractYear())
	eventually(t, time.Minute, "spending on "+id, func() error {
		pos, err := c.finance.GetBudgetPosition(c.as(t, financeReader), &financev1.GetBudgetPositionRequest{ContractId: id})
		if err != nil {
			return err
		}
		if pos.GetSpentPence() <= 0 {
			return fmt.Errorf("nothing spent on %s yet", id)
		}
		return nil
	})
}

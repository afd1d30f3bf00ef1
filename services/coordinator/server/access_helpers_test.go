package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"

	"github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// callerServices are the services whose certificates call the coordinator in the access test:
// the table admits none of them (the gateway included: it forwards people's tokens).
var callerServices = []string{access.CoordinatorService, access.WorkerService, access.DashboardService, access.FinanceService}

// coordinator is a running coordinator service, secure as production runs it, and the
// connections a test calls it through.
type coordinator struct {
	srv  *server.Server
	ca   *devca.Bundle
	conn *grpc.ClientConn // over TLS, without a certificate (as people call)
	web  *http.Client     // over TLS, without a certificate
	base string           // https://<gateway>
	// metrics is https://<metrics listener> (/metrics, for the metrics scraper's certificate).
	metrics string
}

// startCoordinator starts the coordinator on loopback with TLS from a CA made for the test,
// tokens of the shared issuer and the access table enforced, the REST gateway on, an in-memory
// event store, and temporal as its Temporal client. Governance is an address nobody listens on:
// a call reaching it fails after the table admitted it.
func startCoordinator(t *testing.T, temporal client.Client) *coordinator {
	t.Helper()
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	ca := devcatest.New(t, append(callerServices, access.PrometheusService)...) // the coordinator's own certificate among them

	cfg := server.DefaultConfig()
	cfg.Listen, cfg.HTTPListen, cfg.EventStoreURL, cfg.GovernanceAddr = "127.0.0.1:0", "127.0.0.1:0", es.URL(), "127.0.0.1:1"
	cfg.MetricsListen = "127.0.0.1:0"
	cfg.TemporalClient = temporal
	cfg.Vault = patientkeystest.Open(t)
	keys, err := payloadcrypt.Generate() // payloads encrypted, so the codec server is mounted
	require.NoError(t, err)
	cfg.Temporal.PayloadKeys = keys
	cfg.Security.TLS, cfg.Security.OIDC = ca.Settings(access.CoordinatorService), identitytest.Shared().Config()
	cfg.Security.Limits.Rate.PerSecond = 0 // the test calls faster than a person would (platform/limits tests the limit)
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	c := &coordinator{srv: srv, ca: ca, base: "https://" + srv.HTTPAddr(), metrics: "https://" + srv.MetricsAddr()}
	creds, err := ca.Client("").DialOption()
	require.NoError(t, err)
	c.conn, err = grpc.NewClient(srv.Addr(), creds)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.conn.Close() })
	tr, err := ca.Client("").Transport()
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	c.web = &http.Client{Transport: tr}
	return c
}

// errNoTemporal is what the fake Temporal answers for anything but reading a journey.
var errNoTemporal = serviceerror.NewUnavailable("no Temporal in the access test")

// journeys is a Temporal client knowing some journeys (journey ID -> its PCN), as Temporal's
// frontend would answer the coordinator's reads of them; starting, updating and listing
// journeys are unavailable. Its other methods are not implemented (calling one panics, and the
// server's recovery answers Internal). Safe for concurrent use (read only).
type journeys struct {
	client.Client
	pcn map[string]string
}

func (j journeys) QueryWorkflow(_ context.Context, id, _, _ string, _ ...any) (converter.EncodedValue, error) {
	pcn, ok := j.pcn[id]
	if !ok {
		return nil, serviceerror.NewNotFound("workflow not found for ID: " + id)
	}
	return view{journey.View{JourneyID: id, ReferralID: strings.TrimPrefix(id, "ref-"), PathwayID: "msk", Version: 1,
		PCN: pcn, Stage: "triage", Status: "active"}}, nil
}

func (j journeys) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	pcn, ok := j.pcn[id]
	if !ok {
		return nil, serviceerror.NewNotFound("workflow not found for ID: " + id)
	}
	p, err := converter.GetDefaultDataConverter().ToPayload(pcn)
	if err != nil {
		return nil, err
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		SearchAttributes: &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{journey.AttrPCN.GetName(): p}}}}, nil
}

func (journeys) ExecuteWorkflow(context.Context, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	return nil, errNoTemporal
}

func (journeys) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, errNoTemporal
}

func (journeys) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	return nil, errNoTemporal
}

// view is a journey's answer to the state query.
type view struct{ v journey.View }

func (view) HasValue() bool { return true }

func (v view) Get(ptr any) error {
	p, ok := ptr.(*journey.View)
	if !ok {
		return fmt.Errorf("the state query answers a journey.View, not %T", ptr)
	}
	*p = v.v
	return nil
}

// gatewayRules is where the REST gateway's routes are declared (grpc_api_configuration).
const gatewayRules = "../../../api/proto/pathways/coordinator/v1/coordinator.gateway.yaml"

var (
	selectorLine = regexp.MustCompile(`^\s*-\s*selector:\s*(\S+)\.(\w+)\s*$`)
	verbLine     = regexp.MustCompile(`^\s*(get|post|put|patch|delete):\s*(\S+)\s*$`)
)

// restRoutes reads the REST gateway's routes from its rules and gives each the row of the RPC
// it calls: a policy keyed by "METHOD /path" (accesstest.CheckHTTP requests each, a path
// variable as "x"). It fails the test for a rule naming an RPC without a row.
func restRoutes(t *testing.T, policy identity.Policy) identity.Policy {
	t.Helper()
	data, err := os.ReadFile(gatewayRules)
	require.NoError(t, err)
	out := identity.Policy{}
	var rpc string
	for line := range strings.Lines(string(data)) {
		if m := selectorLine.FindStringSubmatch(line); m != nil {
			rpc = "/" + m[1] + "/" + m[2]
			continue
		}
		m := verbLine.FindStringSubmatch(line)
		if m == nil || rpc == "" {
			continue
		}
		r, ok := policy[rpc]
		if !ok {
			t.Errorf("the REST route %s %s calls %s, which has no row in the access table", strings.ToUpper(m[1]), m[2], rpc)
		}
		out[strings.ToUpper(m[1])+" "+m[2]] = r
		rpc = ""
	}
	require.NotEmpty(t, out, "no routes in %s", gatewayRules)
	return out
}

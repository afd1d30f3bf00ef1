package accesstest_test

import (
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

var financeServices = []grpc.ServiceDesc{financev1.FinanceService_ServiceDesc,
	financev1.FinanceFeedService_ServiceDesc, financev1.FinanceIngestService_ServiceDesc}

var certificates = []string{access.WorkerService, access.DashboardService, access.FinanceSystemService, access.PrometheusService}

// fake is a server shaped like finance (its three gRPC services, unimplemented, and its two HTTP
// routes) guarded by enforced, which a test may make differ from the table it checks against.
type fake struct {
	ca     *devca.Bundle
	addr   string // gRPC
	base   string // HTTP
	conn   *grpc.ClientConn
	client *http.Client
	routes []string
}

func startFake(t *testing.T, enforced identity.Policy) *fake {
	t.Helper()
	f := &fake{ca: devcatest.New(t, append([]string{access.FinanceService}, certificates...)...)}
	sec := secure.Config{TLS: f.ca.Settings(access.FinanceService), OIDC: identitytest.Shared().Config()}
	guard, err := sec.Interceptor(enforced)
	require.NoError(t, err)
	opts, err := sec.ServerOptions(guard)
	require.NoError(t, err)
	srv := grpc.NewServer(opts...)
	financev1.RegisterFinanceServiceServer(srv, financev1.UnimplementedFinanceServiceServer{})
	financev1.RegisterFinanceFeedServiceServer(srv, financev1.UnimplementedFinanceFeedServiceServer{})
	financev1.RegisterFinanceIngestServiceServer(srv, financev1.UnimplementedFinanceIngestServiceServer{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	f.addr = lis.Addr().String()

	mux := http.NewServeMux()
	for _, route := range []string{"GET /export.csv", "GET /metrics"} {
		mux.Handle(route, guard.Handle(route, http.NotFoundHandler(), identity.ServiceFrom(tlsconf.RequestService)))
		f.routes = append(f.routes, route)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f.base = "https://" + hl.Addr().String()
	tl, err := sec.Listener(hl)
	require.NoError(t, err)
	hs := limits.NewHTTPServer("", mux, limits.DefaultHTTPConfig())
	go func() { _ = hs.Serve(tl) }()
	t.Cleanup(func() { _ = hs.Close() })

	creds, err := f.ca.Client("").DialOption()
	require.NoError(t, err)
	f.conn, err = grpc.NewClient(f.addr, creds)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.conn.Close() })
	tr, err := f.ca.Client("").Transport()
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	f.client = &http.Client{Transport: tr}
	return f
}

func (f *fake) check(t *testing.T, policy identity.Policy) {
	callers := accesstest.Everyone(t, identitytest.Shared(), f.ca, f.addr, certificates...)
	accesstest.Check(t, f.conn, policy, financeServices, callers)
	accesstest.RequireRoutes(t, policy, f.routes)
	accesstest.CheckHTTP(t, f.client, f.base, policy, callers)
}

// TestAServerEnforcingTheTablePasses: a server enforcing finance's table answers every caller
// on every RPC and route as the table says.
func TestAServerEnforcingTheTablePasses(t *testing.T) {
	startFake(t, access.FinancePolicy).check(t, access.FinancePolicy)
}

// The ways a server can differ from its table, each run in a child process (the check must fail
// it) by TestEachDisagreementFailsTheCheck.
var disagreements = map[string]struct {
	run  func(t *testing.T)
	want []string // in the child's output
}{
	"a reader may amend contracts": {func(t *testing.T) {
		lax := maps.Clone(access.FinancePolicy)
		lax["/pathways.finance.v1.FinanceService/AmendContract"] = identity.Rule{Roles: []string{access.FinanceAdmin, access.FinanceReader}}
		startFake(t, lax).check(t, access.FinancePolicy)
	}, []string{"AmendContract called by finance-reader: admitted, the table says PermissionDenied"}},
	"ingest open to the dashboard": {func(t *testing.T) {
		lax := maps.Clone(access.FinancePolicy)
		lax["/pathways.finance.v1.FinanceIngestService/RecordActivity"] = identity.Rule{Services: []string{access.WorkerService, access.DashboardService}}
		startFake(t, lax).check(t, access.FinancePolicy)
	}, []string{"RecordActivity called by dashboard certificate: admitted, the table says PermissionDenied"}},
	"metrics open to anyone": {func(t *testing.T) {
		lax := maps.Clone(access.FinancePolicy)
		lax["GET /metrics"] = identity.Rule{Public: true}
		startFake(t, lax).check(t, access.FinancePolicy)
	}, []string{"GET /metrics requested by no token: admitted (HTTP 404), the table says Unauthenticated",
		"GET /metrics requested by finance-admin: admitted (HTTP 404), the table says PermissionDenied"}},
	"an RPC without a row": {func(t *testing.T) {
		short := maps.Clone(access.FinancePolicy)
		delete(short, "/pathways.finance.v1.FinanceIngestService/RecordOutcome")
		startFake(t, short).check(t, short)
	}, []string{"/pathways.finance.v1.FinanceIngestService/RecordOutcome has no row in the access table"}},
	"a route without a row": {func(t *testing.T) {
		short := maps.Clone(access.FinancePolicy)
		delete(short, "GET /export.csv")
		startFake(t, short).check(t, short)
	}, []string{`the route "GET /export.csv" has no row in the access table`}},
	"a row without its route": {func(t *testing.T) {
		extra := maps.Clone(access.FinancePolicy)
		extra["GET /statements.csv"] = identity.Rule{Roles: []string{access.FinanceAdmin}}
		startFake(t, extra).check(t, extra)
	}, []string{"GET /statements.csv requested by no token: admitted (HTTP 404), the table says Unauthenticated"}},
	"a caller refused whom the table admits": {func(t *testing.T) {
		f := startFake(t, access.FinancePolicy)
		lie := accesstest.Person(t, identitytest.Shared(), "expired token believed", identitytest.Person{Subject: "x", Roles: access.Roles})
		lie.Token = identitytest.Shared().Flawed(t, identitytest.Person{Subject: "x", Roles: access.Roles}, identitytest.Expired)
		accesstest.Check(t, f.conn, access.FinancePolicy, financeServices, []accesstest.Caller{lie})
	}, []string{"called by expired token believed: Unauthenticated, the table says admitted"}},
}

const childEnv = "ACCESSTEST_DISAGREEMENT"

// TestDisagreementChild runs one disagreement when started by TestEachDisagreementFailsTheCheck.
func TestDisagreementChild(t *testing.T) {
	name := os.Getenv(childEnv)
	if name == "" {
		t.Skip("run by TestEachDisagreementFailsTheCheck as a child process")
	}
	disagreements[name].run(t)
}

// TestEachDisagreementFailsTheCheck: a server more permissive than its table, an RPC or route
// without a row, a row without a route, and a caller described wrongly each fail the check,
// naming the method or route and the caller.
func TestEachDisagreementFailsTheCheck(t *testing.T) {
	for name, d := range disagreements {
		t.Run(name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestDisagreementChild$", "-test.count=1", "-test.v") //nolint:gosec // the test binary itself
			cmd.Env = append(os.Environ(), childEnv+"="+name)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the check passed a server that disagrees with its table:\n%s", out)
			for _, w := range d.want {
				require.Contains(t, string(out), w)
			}
		})
	}
}

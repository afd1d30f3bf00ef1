package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// callerServices are the services whose certificates call governance in the access test: those
// the table admits to read versions (coordinator, worker, finance) and one it does not
// (dashboard).
var callerServices = []string{access.CoordinatorService, access.WorkerService, access.FinanceService, access.DashboardService}

// governanceCert names governance's own certificate (spiffe://pathways.local/governance).
const governanceCert = "governance"

// TestAccessEveryRPCAnswersAsTheTableSays starts governance as production runs it (TLS with a
// certificate of a CA made for the test, tokens of the shared test issuer, the access table
// enforced) and calls every RPC of GovernanceService as nobody, with each flawed token, with a
// token for each role and with the certificates of the coordinator, the worker, finance and the
// dashboard; each answer must be what access.GovernancePolicy says. An RPC without a row fails
// it.
func TestAccessEveryRPCAnswersAsTheTableSays(t *testing.T) {
	ca := devcatest.New(t, append([]string{governanceCert}, callerServices...)...)
	cfg := testConfig(startStore(t), &clock{now: time.Now()})
	cfg.Security.TLS = ca.Settings(governanceCert)
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	creds, err := ca.Client("").DialOption() // people connect without a certificate
	require.NoError(t, err)
	conn, err := grpc.NewClient(srv.Addr(), creds)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })

	callers := accesstest.Everyone(t, identitytest.Shared(), ca, srv.Addr(), callerServices...)
	accesstest.Check(t, conn, access.GovernancePolicy, []grpc.ServiceDesc{governancev1.GovernanceService_ServiceDesc}, callers)
}

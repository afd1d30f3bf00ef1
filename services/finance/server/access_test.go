package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// financeServices are the gRPC services finance serves.
var financeServices = []grpc.ServiceDesc{financev1.FinanceService_ServiceDesc,
	financev1.FinanceFeedService_ServiceDesc, financev1.FinanceIngestService_ServiceDesc}

// TestEveryRPCAndRouteAnswersAsTheTableSays calls every RPC and HTTP route of finance as nobody,
// with each flawed token, with a token for each role, and with the certificates of the worker,
// the dashboard, the finance system and Prometheus; each answer must be what
// access.FinancePolicy says. An RPC or route without a row fails it.
func TestEveryRPCAndRouteAnswersAsTheTableSays(t *testing.T) {
	cfg := testConfig(t, "")
	srv, c := start(t, cfg)
	issuer := identitytest.Shared()
	callers := accesstest.Everyone(t, issuer, caOf(cfg.Security), srv.Addr(), services...)
	worker := accesstest.Service(t, caOf(cfg.Security), access.WorkerService, srv.Addr())
	worker.Name, worker.As = "worker certificate with an expired token", nil // a token that fails is refused, whatever the certificate
	worker.Token = issuer.Flawed(t, identitytest.Person{Subject: "mallory", Roles: access.Roles}, identitytest.Expired)
	callers = append(callers, worker)

	accesstest.Check(t, c.conn, access.FinancePolicy, financeServices, callers)
	accesstest.RequireRoutes(t, access.FinancePolicy, ports.NewWeb(nil, identity.Interceptor{}).Routes)
	accesstest.CheckHTTP(t, c.web, c.base, access.FinancePolicy, callers)
}

// TestIngestAcceptsOnlyTheWorkersCertificate: the journey worker books activity over mutual TLS
// with its certificate; a person's token (even a finance-admin's), no identity at all, or
// another service's certificate is refused and books nothing.
func TestIngestAcceptsOnlyTheWorkersCertificate(t *testing.T) {
	cfg := testConfig(t, "")
	srv, c := start(t, cfg)
	createContract(t, c, mskTerms())
	_, err := c.ingest.RecordActivity(t.Context(), activity("ref-1", 0, "RTG", "cats", 12_345, now))
	require.NoError(t, err, "the worker's certificate")

	fiona := issuerToken(t, access.FinanceAdmin)
	_, err = c.finance.GetContract(fiona, &financev1.GetContractRequest{ContractId: "msk-2026"})
	require.NoError(t, err, "the token itself is good")
	people := financev1.NewFinanceIngestServiceClient(c.conn)
	_, err = people.RecordActivity(fiona, activity("ref-2", 0, "RTG", "cats", 12_345, now))
	requireCode(t, err, codes.PermissionDenied, "worker service")
	_, err = people.RecordOutcome(fiona, outcome("ref-2", "discharge", 30, now))
	requireCode(t, err, codes.PermissionDenied, "worker service")
	_, err = people.RecordActivity(t.Context(), activity("ref-3", 0, "RTG", "cats", 12_345, now))
	requireCode(t, err, codes.Unauthenticated)

	dashboard := accesstest.Service(t, caOf(cfg.Security), access.DashboardService, srv.Addr())
	_, err = financev1.NewFinanceIngestServiceClient(dashboard.Conn).RecordActivity(t.Context(), activity("ref-4", 0, "RTG", "cats", 12_345, now))
	requireCode(t, err, codes.PermissionDenied, "worker service")

	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(12_345), pos.GetSpentPence(), "only the worker's activity is booked")
}

// issuerToken is a context carrying a bearer token of the shared test issuer for a person with
// role, set directly (not through the client's person credentials).
func issuerToken(t *testing.T, role string) context.Context {
	tok := identitytest.Shared().Token(t, identitytest.Person{Subject: "fiona", Name: "fiona", Roles: []string{role}})
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
}

// TestInsecureServerKeepsTheInterimCallers: under -insecure (a development server on loopback)
// there are no tokens or certificates and no access table: ingest admits anonymous callers as
// before, as do the reads a service may make (a service has no certificate to show over
// plaintext), and the other calls want a caller named by x-actor.
func TestInsecureServerKeepsTheInterimCallers(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.Security = secure.Insecure()
	_, c := start(t, cfg)
	createContract(t, c, mskTerms())
	_, err := c.ingest.RecordActivity(t.Context(), activity("ref-1", 0, "RTG", "cats", 12_345, now))
	require.NoError(t, err, "anonymous ingest")
	_, err = c.finance.GetProviderStatement(t.Context(), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: "RTG"})
	requireCode(t, err, codes.Unauthenticated, "x-actor")
	_, err = c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: "RTG"})
	require.NoError(t, err)
	_, err = c.finance.GetContract(t.Context(), &financev1.GetContractRequest{ContractId: "msk-2026"}) // the dashboard's read
	require.NoError(t, err)
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.Equal(t, int64(12_345), pos.GetSpentPence())
	code, _ := c.get(t, "/export.csv?contract=msk-2026&month=2026-11", nil)
	require.Equal(t, http.StatusUnauthorized, code, "the export wants a named caller too")
	code, body := c.get(t, "/export.csv?contract=msk-2026&month=2026-11", &identitytest.Person{Name: "rita", Roles: []string{access.FinanceReader}})
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "cats")
}

package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// TestIngestIsForTheWorkersCertificateOnly: a fact from the worker's certificate over mutual TLS
// is recorded; from a person's token (even a board member's), another service's certificate,
// no certificate at all, or a "worker" certificate of another CA, it is refused and nothing is
// recorded.
func TestIngestIsForTheWorkersCertificateOnly(t *testing.T) {
	s := startService(t, fixtureNow, nil)
	fact := sevenJourneys().facts[0]
	bearer := func(tok string) context.Context {
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
	}
	otherCA := devcatest.New(t, "worker")
	otherCA.CAFile = s.ca.CAFile // trusts the dashboard, presents a worker certificate it did not sign
	for _, tc := range []struct {
		name string
		conn *grpc.ClientConn
		ctx  context.Context
		code codes.Code
	}{
		{"a board member's token", s.dial(t, s.ca.Client(""), false), bearer(s.board), codes.PermissionDenied},
		{"finance's certificate", s.dial(t, s.ca.Client("finance"), false), t.Context(), codes.PermissionDenied},
		{"no certificate", s.dial(t, s.ca.Client(""), false), t.Context(), codes.Unauthenticated},
		{"a worker certificate of another CA", s.dial(t, otherCA.Client("worker"), false), t.Context(), codes.Unavailable},
	} {
		_, err := dashboardv1.NewDashboardIngestServiceClient(tc.conn).RecordJourneyFact(tc.ctx, fact)
		require.Equal(t, tc.code, status.Code(err), "%s: %v", tc.name, err)
	}
	require.Zero(t, s.system(t, q1).GetReferralsReceived(), "a refused fact records nothing")

	resp, err := s.ingest.RecordJourneyFact(t.Context(), fact)
	require.NoError(t, err, "the worker's certificate")
	require.False(t, resp.GetDuplicate())
}

// dashboardServices are the gRPC services the dashboard serves.
var dashboardServices = []grpc.ServiceDesc{dashboardv1.DashboardQueryService_ServiceDesc, dashboardv1.DashboardIngestService_ServiceDesc}

// TestEveryRPCAndRouteAnswersAsTheTableSays calls every RPC and HTTP route of the dashboard (the
// sign-in routes too) as nobody, with each flawed token (expired, wrong issuer, wrong audience,
// bad signature, alg none, HMAC), with a token for each role and for none, with the certificates
// of the worker, finance, the dashboard and Prometheus, and with the worker's certificate and an
// expired token; each answer must be what the access table says. An RPC or route without a row
// fails it.
func TestEveryRPCAndRouteAnswersAsTheTableSays(t *testing.T) {
	s := startService(t, fixtureNow, nil)
	iss := identitytest.Shared()
	callers := accesstest.Everyone(t, iss, s.ca, s.srv.Addr(), access.WorkerService, access.FinanceService,
		access.DashboardService, access.PrometheusService)
	worker := accesstest.Service(t, s.ca, access.WorkerService, s.srv.Addr())
	worker.Name, worker.As = "worker certificate with an expired token", nil // a token that fails is refused, whatever the certificate
	worker.Token = iss.Flawed(t, identitytest.Person{Subject: "mallory", Roles: access.Roles}, identitytest.Expired)
	callers = append(callers, worker)
	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, c := range callers {
		if c.HTTP != nil {
			c.HTTP.CheckRedirect = noFollow // /auth/login answers with a redirect to the provider
		}
	}
	web := &http.Client{Transport: s.web.Transport, CheckRedirect: noFollow}

	policy := ports.Policy() // access.DashboardPolicy, with the sign-in routes open to anyone
	accesstest.Check(t, s.dial(t, s.ca.Client(""), false), policy, dashboardServices, callers)
	accesstest.CheckHTTP(t, web, s.srv.WebURL(), policy, callers)
}

// TestPageRefusalsSayWhy: an API client without a token is challenged (401 with
// WWW-Authenticate: Bearer, never a redirect); a person without a role that reads the figures is
// told which roles may (403).
func TestPageRefusalsSayWhy(t *testing.T) {
	s := startService(t, fixtureNow, nil)
	author := identitytest.Shared().Token(t, identitytest.Person{Subject: "a-1", Name: "Grace", Roles: []string{access.Author}})
	for _, path := range []string{"/", "/export.csv"} {
		code, _, hdr := s.getAs(t, path, "")
		require.Equal(t, http.StatusUnauthorized, code, "%s without a token", path)
		require.Contains(t, hdr.Get("WWW-Authenticate"), "Bearer")
		code, body, _ := s.getAs(t, path, author)
		require.Equal(t, http.StatusForbidden, code, "%s as an author", path)
		require.Contains(t, body, `the "board" or "coordinator" or "finance-admin" or "finance-reader" or "auditor" role`)
	}
}

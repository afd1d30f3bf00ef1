package server_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// figureReaders are the roles access.DashboardPolicy lets read the figures.
var figureReaders = []string{access.Board, access.Coordinator, access.FinanceAdmin, access.FinanceReader}

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
		{"a board member's token", s.dial(t, s.ca.Client(""), false), bearer(s.token), codes.PermissionDenied},
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

// TestQueriesFollowTheAccessTable calls every query RPC with no token, with each flawed token
// (expired, another issuer or audience, a bad signature, alg none, HMAC) and with a token of
// each role: only the figure-reading roles are answered.
func TestQueriesFollowTheAccessTable(t *testing.T) {
	s := startService(t, fixtureNow, nil)
	conn := s.dial(t, s.ca.Client(""), false)
	q := dashboardv1.NewDashboardQueryServiceClient(conn)
	calls := map[string]func(context.Context) error{
		"GetSystemFigures": func(ctx context.Context) error {
			_, err := q.GetSystemFigures(ctx, &dashboardv1.GetSystemFiguresRequest{})
			return err
		},
		"GetPopulationFigures": func(ctx context.Context) error {
			_, err := q.GetPopulationFigures(ctx, &dashboardv1.GetPopulationFiguresRequest{})
			return err
		},
		"ListDimensions": func(ctx context.Context) error {
			_, err := q.ListDimensions(ctx, &dashboardv1.ListDimensionsRequest{})
			return err
		},
		"ExportFigures": func(ctx context.Context) error {
			_, err := q.ExportFigures(ctx, &dashboardv1.ExportFiguresRequest{})
			return err
		},
	}
	require.Len(t, calls, len(dashboardv1.DashboardQueryService_ServiceDesc.Methods), "every query RPC is called")
	as := func(tok string) context.Context {
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
	}
	iss := identitytest.Shared()
	for name, call := range calls {
		require.Equal(t, codes.Unauthenticated, status.Code(call(t.Context())), "%s without a token", name)
		for flaw, f := range identitytest.Flaws {
			err := call(as(iss.Flawed(t, boardMember, f)))
			require.Equal(t, codes.Unauthenticated, status.Code(err), "%s with a token: %s: %v", name, flaw, err)
		}
		for _, role := range access.Roles {
			err := call(as(iss.Token(t, identitytest.Person{Subject: "p-" + role, Name: role, Roles: []string{role}})))
			if slices.Contains(figureReaders, role) {
				require.NoError(t, err, "%s as %s", name, role)
			} else {
				require.Equal(t, codes.PermissionDenied, status.Code(err), "%s as %s: %v", name, role, err)
			}
		}
	}
}

// TestWebRoutesFollowTheAccessTable: the page and the CSV answer a figure-reading role's token
// and refuse others (401 without a token, 403 for another role); /static/ and /healthz are
// public; /metrics is for the prometheus service's certificate.
func TestWebRoutesFollowTheAccessTable(t *testing.T) {
	s := startService(t, fixtureNow, nil)
	iss := identitytest.Shared()
	author := iss.Token(t, identitytest.Person{Subject: "a-1", Name: "Grace", Roles: []string{access.Author}})
	for _, path := range []string{"/", "/export.csv"} {
		code, _, hdr := s.getAs(t, path, "")
		require.Equal(t, http.StatusUnauthorized, code, "%s without a token (an API client: no redirect)", path)
		require.Contains(t, hdr.Get("WWW-Authenticate"), "Bearer")
		code, _, _ = s.getAs(t, path, iss.Flawed(t, boardMember, identitytest.Expired))
		require.Equal(t, http.StatusUnauthorized, code, "%s with an expired token", path)
		code, body, _ := s.getAs(t, path, author)
		require.Equal(t, http.StatusForbidden, code, "%s as an author", path)
		require.Contains(t, body, `"board"`, "the refusal names the roles that may")
		for _, role := range figureReaders {
			code, _, _ := s.getAs(t, path, iss.Token(t, identitytest.Person{Subject: "r-" + role, Name: role, Roles: []string{role}}))
			require.Equal(t, http.StatusOK, code, "%s as %s", path, role)
		}
	}
	for _, path := range []string{"/static/style.css", "/healthz"} {
		code, _, _ := s.getAs(t, path, "")
		require.Equal(t, http.StatusOK, code, path)
	}

	code, _, _ := s.getAs(t, "/metrics", s.token)
	require.Equal(t, http.StatusForbidden, code, "a person may not scrape /metrics")
	for name, want := range map[string]int{"": http.StatusUnauthorized, "worker": http.StatusForbidden, "prometheus": http.StatusOK} {
		tr, err := s.ca.Client(name).Transport()
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.srv.WebURL()+"/metrics", http.NoBody)
		require.NoError(t, err)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		if want == http.StatusOK {
			require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, resp.StatusCode, "prometheus") // 503 without telemetry.Setup
			continue
		}
		require.Equal(t, want, resp.StatusCode, "/metrics with the certificate of %q", name)
	}
}

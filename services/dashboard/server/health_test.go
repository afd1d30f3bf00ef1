package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// TestHealthCheckNeedsNoIdentity: a probe with neither token nor certificate is answered
// SERVING (check and watch), while a query from that connection needs a token.
func TestHealthCheckNeedsNoIdentity(t *testing.T) {
	s := startService(t, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), nil)
	conn := s.dial(t, s.ca.Client(""), false)
	health := healthpb.NewHealthClient(conn)

	res, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
	watch, err := health.Watch(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	res, err = watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())

	_, err = dashboardv1.NewDashboardQueryServiceClient(conn).ListDimensions(t.Context(), &dashboardv1.ListDimensionsRequest{})
	require.Equal(t, codes.Unauthenticated, status.Code(err), "%v", err)
}

// TestInsecureServiceAdmitsEveryCaller: a development server (-insecure: plaintext, no issuer)
// keeps the dashboard's old behaviour: ingest, queries, the page and /metrics need no identity
// (and a caller without one gets the figures under the disclosure rule).
func TestInsecureServiceAdmitsEveryCaller(t *testing.T) {
	s := startService(t, fixtureNow, func(c *server.Config) { c.Security = secure.Insecure() })
	s.token = "" // no identity at all
	s.load(t, sevenJourneys())
	sys := s.system(t, q1)
	require.True(t, sys.GetReferralsReceivedSuppressed() && sys.GetDisclosure().GetApplied(),
		"no identity, so no patient-level access: the 6 referrals are a small number (%v)", sys)
	for _, path := range []string{"/?from=2026-01&to=2026-03", "/export.csv", "/healthz"} {
		code, body, _ := s.getAs(t, path, "")
		require.Equal(t, http.StatusOK, code, "%s: %s", path, body)
	}
	code, body, _ := s.getAs(t, "/metrics", "")
	require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, code, body) // 503 without telemetry.Setup in this process
	code, _, _ = s.getAs(t, "/auth/login", "")
	require.Equal(t, http.StatusNotFound, code, "no sign-in without an identity provider")
}

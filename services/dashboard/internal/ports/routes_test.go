package ports_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/signin"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/access/accesstest"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// TestEveryRouteHasARowInTheAccessTable registers the web routes as the server does (sign-in
// included) and checks each pattern, which is also its key, has a row in access.DashboardPolicy
// (the sign-in routes, until the table lists them, a public row from ports.Policy), and that every
// HTTP row of the table is a route served, and every RPC has a row: a route added without a
// row fails here.
func TestEveryRouteHasARowInTheAccessTable(t *testing.T) {
	m, err := ports.NewMetrics()
	require.NoError(t, err)
	flow, err := signin.New(signin.Config{ClientID: "dashboard", PublicURL: "https://dashboard.test", OIDC: identity.OIDC{Issuer: "https://login.test"}},
		identitytest.New(t).Verifier(t))
	require.NoError(t, err)
	web := ports.NewWeb(nil, m, ports.WebOptions{SignIn: flow})

	policy := ports.Policy()
	accesstest.RequireRoutes(t, policy, web.Routes)
	for _, route := range web.Routes {
		if _, ok := access.DashboardPolicy[route]; !ok {
			require.Contains(t, ports.SignInRoutes, route, "only the sign-in routes wait for their rows")
		}
	}
	for key := range access.DashboardPolicy {
		if !strings.HasPrefix(key, "/") { // an HTTP route, not a gRPC method
			require.Contains(t, web.Routes, key, "the table's row %q is no route", key)
		}
	}
	for _, route := range ports.SignInRoutes {
		require.Contains(t, web.Routes, route)
		require.True(t, policy[route].Public, "%s is open to anyone", route)
	}
	require.Empty(t, policy.Missing(dashboardv1.DashboardQueryService_ServiceDesc, dashboardv1.DashboardIngestService_ServiceDesc),
		"every RPC has a row")
}

package access_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/access"
)

var update = flag.Bool("update", false, "rewrite README.md's access table")

// descs are every gRPC service pathways serves: a new service must be added here and to
// access.Services.
var descs = map[string]grpc.ServiceDesc{
	coordinatorv1.CoordinatorService_ServiceDesc.ServiceName:   coordinatorv1.CoordinatorService_ServiceDesc,
	coordinatorv1.AccessAuditService_ServiceDesc.ServiceName:   coordinatorv1.AccessAuditService_ServiceDesc,
	coordinatorv1.PatientDataService_ServiceDesc.ServiceName:   coordinatorv1.PatientDataService_ServiceDesc,
	governancev1.GovernanceService_ServiceDesc.ServiceName:     governancev1.GovernanceService_ServiceDesc,
	financev1.FinanceService_ServiceDesc.ServiceName:           financev1.FinanceService_ServiceDesc,
	financev1.FinanceFeedService_ServiceDesc.ServiceName:       financev1.FinanceFeedService_ServiceDesc,
	financev1.FinanceIngestService_ServiceDesc.ServiceName:     financev1.FinanceIngestService_ServiceDesc,
	dashboardv1.DashboardQueryService_ServiceDesc.ServiceName:  dashboardv1.DashboardQueryService_ServiceDesc,
	dashboardv1.DashboardIngestService_ServiceDesc.ServiceName: dashboardv1.DashboardIngestService_ServiceDesc,
}

func TestEveryRPCHasARow(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range access.Services {
		for _, name := range s.GRPC {
			sd, ok := descs[name]
			require.True(t, ok, "%s serves %s, which this test does not know", s.Name, name)
			require.Empty(t, s.Policy.Missing(sd), "RPCs of %s without a row in access.%s", name, s.Name)
			seen[name] = true
		}
	}
	for name := range descs {
		require.True(t, seen[name], "no service's table covers %s", name)
	}
}

func TestEveryRowNamesSomeone(t *testing.T) {
	for _, s := range access.Services {
		for _, k := range s.Policy.Keys() {
			r := s.Policy[k]
			require.True(t, r.Public || len(r.Roles)+len(r.Services) > 0, "%s %s allows nobody", s.Name, k)
			for _, role := range r.Roles {
				require.Contains(t, access.Roles, role, "%s %s", s.Name, k)
			}
		}
	}
}

const begin, end = "<!-- access-table:begin -->\n", "<!-- access-table:end -->"

func TestREADMEShowsTheTable(t *testing.T) {
	const path = "../../../README.md"
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	require.True(t, i >= 0 && j > i, "README.md must hold the access table between %q and %q", begin, end)
	want := access.Markdown()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(readme[:i+len(begin)]+"\n"+want+readme[j:]), 0o644)) //nolint:gosec // a constant path in the repository
		return
	}
	require.Equal(t, "\n"+want, readme[i+len(begin):j], "README.md's access table is stale: go test ./services/platform/access -update")
}

package ports

import (
	"context"
	"strings"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// AdminRole may create, amend and settle contracts.
const AdminRole = "finance-admin"

// Identity establishes the caller of FinanceService and FinanceFeedService calls
// (platform/identity; health checks and reflection pass). FinanceIngestService is called by the
// journey worker and admits callers without an identity: it is meant for a private network until
// service authentication lands (issue #13).
var Identity = identity.Interceptor{Anonymous: ingest}

func ingest(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/"+financev1.FinanceIngestService_ServiceDesc.ServiceName+"/")
}

func requireAdmin(ctx context.Context) (identity.Principal, error) {
	return identity.Require(ctx, AdminRole, "change contracts")
}

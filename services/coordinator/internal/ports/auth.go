package ports

import (
	"context"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// RoleCoordinator is the role every command needs.
const RoleCoordinator = "coordinator"

// Identity establishes the caller of every call (platform/identity): a call without one fails
// with Unauthenticated before reaching a handler; health checks and reflection pass.
var Identity = identity.Interceptor{}

// requireCoordinator returns the caller if they hold the coordinator role.
func requireCoordinator(ctx context.Context) (identity.Principal, error) {
	return identity.Require(ctx, RoleCoordinator, "run coordinator commands")
}

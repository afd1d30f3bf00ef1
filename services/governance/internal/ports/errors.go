package ports

import (
	"context"

	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// toStatus maps an application error to a gRPC status through the platform's one mapping
// (platform/rpcerr): validation problems to InvalidArgument with BadRequest field violations,
// rule violations to FailedPrecondition, PermissionDenied, NotFound, lost races to Aborted;
// anything else is Internal (logged, not shown).
func toStatus(ctx context.Context, err error) error { return rpcerr.Status(ctx, err) }

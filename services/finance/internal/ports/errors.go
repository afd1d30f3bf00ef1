package ports

import (
	"context"
	"errors"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// toStatus maps an application error to a gRPC status through the platform's one mapping
// (platform/rpcerr): validation problems to InvalidArgument with BadRequest field violations,
// domain rule errors to their codes, a service shutting down to Unavailable; anything else is
// Internal (logged, not shown).
func toStatus(ctx context.Context, err error) error {
	if errors.Is(err, app.ErrShuttingDown) {
		err = fault.Classify(fault.Unavailable, err)
	}
	return rpcerr.Status(ctx, err)
}

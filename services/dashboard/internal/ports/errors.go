package ports

import (
	"context"
	"errors"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// toStatus maps application errors to gRPC status errors through the platform's one mapping
// (platform/rpcerr): field violations to InvalidArgument with a BadRequest, a reused event ID to
// AlreadyExists; anything else is Internal, logged and not shown.
func toStatus(ctx context.Context, err error) error {
	if errors.Is(err, domain.ErrReusedEventID) {
		err = fault.Classify(fault.AlreadyExists, err)
	}
	return rpcerr.Status(ctx, err)
}

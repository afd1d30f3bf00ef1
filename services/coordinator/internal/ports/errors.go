package ports

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// toStatus maps an application error to a gRPC status through the platform's one mapping
// (platform/rpcerr): bad input is InvalidArgument with BadRequest field violations; refusals
// answer their kind (FailedPrecondition and Aborted carry the journey's current stage in an
// ErrorInfo); anything else is Internal, logged and not shown. A deadline says how to retry:
// every command is idempotent by its request_id.
func toStatus(ctx context.Context, err error) error {
	st := rpcerr.Status(ctx, err)
	if status.Code(st) == codes.DeadlineExceeded {
		return status.Error(codes.DeadlineExceeded, "deadline exceeded; retry with the same request_id")
	}
	return st
}

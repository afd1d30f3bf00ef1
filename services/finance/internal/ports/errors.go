package ports

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// toStatus maps an application error to a gRPC status: validation problems to InvalidArgument
// with BadRequest field violations, domain rule errors to their codes; anything else is Internal
// (logged without request content, not shown).
func toStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return invalid(ve)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return status.Error(codeOf(de.Kind), de.Error())
	}
	switch {
	case errors.Is(err, app.ErrShuttingDown):
		return status.Error(codes.Unavailable, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	slog.ErrorContext(ctx, "finance request failed", "err", err)
	return status.Error(codes.Internal, "internal error; see the service log")
}

func codeOf(k domain.Kind) codes.Code {
	switch k {
	case domain.KindNotFound:
		return codes.NotFound
	case domain.KindFailedPrecondition:
		return codes.FailedPrecondition
	case domain.KindAlreadyExists:
		return codes.AlreadyExists
	case domain.KindPermissionDenied:
		return codes.PermissionDenied
	case domain.KindConflict:
		return codes.Aborted
	}
	return codes.Unknown
}

func invalid(ve *domain.ValidationError) error {
	br := &errdetails.BadRequest{}
	for _, v := range ve.Violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
	}
	st, err := status.New(codes.InvalidArgument, ve.Error()).WithDetails(br)
	if err != nil {
		return status.Error(codes.InvalidArgument, ve.Error())
	}
	return st.Err()
}

package ports

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// toStatus maps an application error to a gRPC status: bad input to InvalidArgument with
// BadRequest field violations; refusals by kind (FailedPrecondition and Aborted carry the
// journey's current stage in an ErrorInfo); anything else is Internal (logged without request
// data, not shown).
func toStatus(ctx context.Context, err error) error {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		return invalid(ve)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return refusal(de)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded; retry with the same request_id")
	}
	slog.ErrorContext(ctx, "coordinator request failed", "err", err)
	return status.Error(codes.Internal, "internal error; see the service log")
}

func refusal(de *domain.Error) error {
	st := status.New(codeOf(de.Kind), de.Message)
	if de.Stage == "" {
		return st.Err()
	}
	withStage, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reasonOf(de.Kind), Domain: "pathways.coordinator",
		Metadata: map[string]string{"stage": de.Stage}})
	if err != nil {
		return st.Err()
	}
	return withStage.Err()
}

func codeOf(k domain.Kind) codes.Code {
	switch k {
	case domain.KindNotFound:
		return codes.NotFound
	case domain.KindAlreadyExists:
		return codes.AlreadyExists
	case domain.KindFailedPrecondition:
		return codes.FailedPrecondition
	case domain.KindAborted:
		return codes.Aborted
	case domain.KindPermissionDenied:
		return codes.PermissionDenied
	case domain.KindUnavailable:
		return codes.Unavailable
	case domain.KindUnimplemented:
		return codes.Unimplemented
	}
	return codes.Unknown
}

func reasonOf(k domain.Kind) string {
	if k == domain.KindAborted {
		return "JOURNEY_CHANGED"
	}
	return "TRANSITION_NOT_ALLOWED"
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

package ports

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// toStatus maps application errors to gRPC status errors.
func toStatus(err error) error {
	var ve *domain.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		br := &errdetails.BadRequest{}
		for _, v := range ve.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		}
		st, derr := status.New(codes.InvalidArgument, ve.Error()).WithDetails(br)
		if derr != nil {
			return status.Error(codes.InvalidArgument, ve.Error())
		}
		return st.Err()
	case errors.Is(err, domain.ErrReusedEventID):
		return status.Error(codes.AlreadyExists, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

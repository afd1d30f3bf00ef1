// Package rpcerr is the one mapping from errors to gRPC status for every pathways service, and
// the interceptors that turn a handler's panic into an Internal error instead of a dead process.
//
// Status maps platform/fault errors: a *fault.ValidationError is InvalidArgument with a
// BadRequest listing every field violation; a *fault.Error answers its Kind's code with its
// message (and its Info as an ErrorInfo); context cancellation and deadlines answer Canceled and
// DeadlineExceeded; an error that is itself a gRPC status passes through. Anything else is a
// fault of the service: it is logged (with the error's text) and the caller is told only
// "internal error; see the service log", so no internal detail (paths, SQL, patient data in a
// wrapped message) leaves the process.
package rpcerr

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// InternalMessage is all a caller learns of an internal failure.
const InternalMessage = "internal error; see the service log"

var codeOfKind = map[fault.Kind]codes.Code{
	fault.NotFound:           codes.NotFound,
	fault.AlreadyExists:      codes.AlreadyExists,
	fault.FailedPrecondition: codes.FailedPrecondition,
	fault.Aborted:            codes.Aborted,
	fault.PermissionDenied:   codes.PermissionDenied,
	fault.Unavailable:        codes.Unavailable,
	fault.Unimplemented:      codes.Unimplemented,
}

// Code is the gRPC code of a fault.Kind; Internal for a Kind it does not know.
func Code(k fault.Kind) codes.Code {
	if c, ok := codeOfKind[k]; ok {
		return c
	}
	return codes.Internal
}

// Status maps err to a gRPC status error (nil for nil). See the package comment.
//
// Only an error that is itself a status passes through: a status wrapped by the service (for
// example the answer of a service it called, returned with %w) is not the caller's business and
// is treated as internal, so that a dependency's Unauthenticated or NotFound never reads as this
// service's answer.
func Status(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err
	}
	var ve *fault.ValidationError
	if errors.As(err, &ve) {
		return invalid(ve)
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		if _, known := codeOfKind[fe.Kind]; known {
			return refusal(fe)
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	return internal(ctx, err)
}

func internal(ctx context.Context, err error) error {
	attrs := []any{"err", err}
	if m, ok := grpc.Method(ctx); ok {
		attrs = append(attrs, "method", m)
	}
	slog.ErrorContext(ctx, "request failed", attrs...)
	return status.Error(codes.Internal, InternalMessage)
}

func refusal(fe *fault.Error) error {
	st := status.New(Code(fe.Kind), fe.Error())
	if fe.Info == nil || fe.Info.Reason == "" {
		return st.Err()
	}
	withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: fe.Info.Reason, Domain: fe.Info.Domain, Metadata: fe.Info.Metadata})
	if err != nil {
		return st.Err()
	}
	return withInfo.Err()
}

func invalid(ve *fault.ValidationError) error {
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

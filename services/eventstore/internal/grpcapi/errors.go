package grpcapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// Trailer keys and values the official clients read (the real server's
// Constants.Exceptions).
const (
	exceptionKey          = "exception"
	excStreamDeleted      = "stream-deleted"
	excWrongVersion       = "wrong-expected-version"
	excMaxAppendSize      = "maximum-append-size-exceeded"
	excMissingMetadata    = "missing-required-metadata-property"
	keyStreamName         = "stream-name"
	keyExpectedVersion    = "expected-version"
	keyActualVersion      = "actual-version"
	keyMaxAppendSize      = "maximum-append-size"
	keyRequiredProperties = "required-metadata-properties"
)

// rpcError is a gRPC status plus the trailers that carry the real
// server's exception details.
type rpcError struct {
	st       *status.Status
	trailers metadata.MD
}

func (e *rpcError) Error() string { return e.st.Err().Error() }

// GRPCStatus lets status.FromError see through the wrapper.
func (e *rpcError) GRPCStatus() *status.Status { return e.st }

// fieldViolation is one bad field of a request.
type fieldViolation struct{ field, rule string }

// badRequest answers InvalidArgument with field violations.
func badRequest(msg string, violations ...fieldViolation) *rpcError {
	br := &errdetails.BadRequest{}
	for _, v := range violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.field, Description: v.rule})
	}
	st := status.New(codes.InvalidArgument, msg)
	if withDetails, err := st.WithDetails(br); err == nil {
		st = withDetails
	}
	return &rpcError{st: st}
}

func invalidField(field, rule string) *rpcError {
	return badRequest(fmt.Sprintf("invalid %s: %s", field, rule), fieldViolation{field: field, rule: rule})
}

func streamDeleted(stream string) *rpcError {
	return &rpcError{
		st:       status.New(codes.FailedPrecondition, fmt.Sprintf("Event stream '%s' is deleted.", stream)),
		trailers: metadata.Pairs(exceptionKey, excStreamDeleted, keyStreamName, stream),
	}
}

func wrongExpectedVersion(e *store.WrongExpectedVersionError) *rpcError {
	actual := strconv.FormatInt(e.Current, 10)
	return &rpcError{
		st: status.New(codes.FailedPrecondition, fmt.Sprintf(
			"Operation failed: wrong expected version for stream %q: expected %d, actual %s.",
			e.Stream, expectedVersion(e.Expected), actual)),
		trailers: metadata.Pairs(exceptionKey, excWrongVersion, keyStreamName, e.Stream,
			keyExpectedVersion, strconv.FormatInt(expectedVersion(e.Expected), 10), keyActualVersion, actual),
	}
}

func expectedVersion(e store.Expected) int64 {
	switch e.Kind {
	case store.ExpectNoStream:
		return -1
	case store.ExpectAny:
		return -2
	case store.ExpectStreamExists:
		return -4
	default:
		return int64(e.Revision)
	}
}

// toStatus maps a store error to the real server's gRPC error.
func toStatus(err error) *rpcError {
	var rpcErr *rpcError
	var wev *store.WrongExpectedVersionError
	var se *store.StreamError
	switch {
	case errors.As(err, &rpcErr):
		return rpcErr
	case errors.As(err, &wev):
		return wrongExpectedVersion(wev)
	case errors.As(err, &se) && errors.Is(err, store.ErrStreamDeleted):
		return streamDeleted(se.Stream)
	case errors.Is(err, store.ErrClosed):
		return &rpcError{st: status.New(codes.Unavailable, "Server Is Not Ready")}
	case errors.Is(err, context.Canceled):
		return &rpcError{st: status.New(codes.Canceled, err.Error())}
	case errors.Is(err, context.DeadlineExceeded):
		return &rpcError{st: status.New(codes.DeadlineExceeded, err.Error())}
	default:
		return &rpcError{st: status.New(codes.Internal, err.Error())}
	}
}

// unaryError sets the trailers of err on a unary call and returns the
// status error.
func unaryError(ctx context.Context, err error) error {
	e := toStatus(err)
	if e.trailers != nil {
		_ = grpc.SetTrailer(ctx, e.trailers)
	}
	return e.st.Err()
}

// streamError does the same for a streaming call.
func streamError(s grpc.ServerStream, err error) error {
	e := toStatus(err)
	if e.trailers != nil {
		s.SetTrailer(e.trailers)
	}
	return e.st.Err()
}

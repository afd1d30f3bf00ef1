package rpcerr

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// RecoverUnary turns a panic in the rest of the chain or the handler into an Internal error,
// logged with its stack, so one bad request cannot stop the process. Put it first in the chain.
func RecoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
	defer recoverTo(ctx, info.FullMethod, &err)
	return next(ctx, req)
}

// RecoverStream is RecoverUnary for streams.
func RecoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) (err error) {
	defer recoverTo(ss.Context(), info.FullMethod, &err)
	return next(srv, ss)
}

func recoverTo(ctx context.Context, method string, err *error) {
	r := recover()
	if r == nil {
		return
	}
	slog.ErrorContext(ctx, "request handler panicked", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	*err = status.Error(codes.Internal, InternalMessage)
}

package grpcapi

import (
	"context"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// RecoveryUnary turns a panic in a handler into an Internal error instead
// of a crashed server.
func RecoveryUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
		defer recoverTo(log, info.FullMethod, &err)
		return next(ctx, req)
	}
}

// RecoveryStream is RecoveryUnary for streaming calls.
func RecoveryStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) (err error) {
		defer recoverTo(log, info.FullMethod, &err)
		return next(srv, ss)
	}
}

func recoverTo(log *slog.Logger, method string, err *error) {
	if r := recover(); r != nil {
		log.Error("panic in gRPC handler", "method", method, "panic", r, "stack", string(debug.Stack()))
		*err = status.Error(codes.Internal, "internal server error")
	}
}

package grpcapi

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestRecoveryTurnsPanicsIntoInternal(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err := RecoveryUnary(log)(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/x"},
		func(context.Context, any) (any, error) { panic("boom") }) //nolint:forbidigo // the handler must panic: the test proves the interceptor turns a panic into codes.Internal
	require.Equal(t, codes.Internal, status.Code(err))
	err = RecoveryStream(log)(nil, nil, &grpc.StreamServerInfo{FullMethod: "/y"},
		func(any, grpc.ServerStream) error { panic("boom") }) //nolint:forbidigo // the handler must panic: the test proves the interceptor turns a panic into codes.Internal
	require.Equal(t, codes.Internal, status.Code(err))
}

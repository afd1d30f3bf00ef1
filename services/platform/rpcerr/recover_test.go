package rpcerr_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// panicky is a health service whose handlers panic for the service "boom".
type panicky struct {
	healthpb.UnimplementedHealthServer
}

func (panicky) Check(_ context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if req.GetService() == "boom" {
		panic("handler bug 9434765919") //nolint:forbidigo // the test is of recovering from a handler panic
	}
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (panicky) Watch(req *healthpb.HealthCheckRequest, ss grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	if req.GetService() == "boom" {
		panic("stream bug 9434765919") //nolint:forbidigo // the test is of recovering from a handler panic
	}
	return ss.Send(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING})
}

func TestRecoveryAnswersInternalAndKeepsServing(t *testing.T) {
	log := captureLog(t)
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(rpcerr.RecoverUnary), grpc.ChainStreamInterceptor(rpcerr.RecoverStream))
	healthpb.RegisterHealthServer(srv, panicky{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		require.NoError(t, <-served)
	})
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	client := healthpb.NewHealthClient(conn)

	_, err = client.Check(t.Context(), &healthpb.HealthCheckRequest{Service: "boom"})
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.Equal(t, rpcerr.InternalMessage, status.Convert(err).Message())
	require.Contains(t, log.String(), "handler bug 9434765919")
	require.Contains(t, log.String(), "recover_test.go", "the stack is logged")

	watch, err := client.Watch(t.Context(), &healthpb.HealthCheckRequest{Service: "boom"})
	require.NoError(t, err)
	_, err = watch.Recv()
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	require.Contains(t, log.String(), "stream bug 9434765919")

	res, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err, "the server still serves after the panics")
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
}

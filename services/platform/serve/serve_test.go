package serve_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

type emptyService struct {
	testgrpc.UnimplementedTestServiceServer
}

// start serves the gRPC test service with serve.Register and returns a client connection.
func start(t *testing.T) (*serve.GRPC, *grpc.ClientConn) {
	t.Helper()
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	g := serve.Register(srv)
	testgrpc.RegisterTestServiceServer(srv, emptyService{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return g, conn
}

func TestRegisterAddsHealthAndReflection(t *testing.T) {
	_, conn := start(t)
	resp, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())

	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
	require.NoError(t, err)
	require.NoError(t, stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}))
	answer, err := stream.Recv()
	require.NoError(t, err)
	var names []string
	for _, s := range answer.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	require.ElementsMatch(t, []string{"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
		"grpc.testing.TestService"}, names, "services registered after Register are listed too")
	require.NoError(t, stream.CloseSend())
}

// A health Watch stream sees NOT_SERVING while the server is still up: the flip comes before the
// listener closes. The stream itself keeps GracefulStop waiting, so Stop ends it at its deadline.
func TestStopReportsNotServingBeforeTheListenerCloses(t *testing.T) {
	g, conn := start(t)
	watch, err := healthpb.NewHealthClient(conn).Watch(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	first, err := watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, first.GetStatus())

	stopped := make(chan struct{})
	go func() {
		g.Stop(200 * time.Millisecond)
		close(stopped)
	}()
	next, err := watch.Recv()
	require.NoError(t, err, "the NOT_SERVING update arrives over the still open connection")
	require.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, next.GetStatus())
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("Stop did not return after its deadline with a Watch stream open")
	}
	_, err = watch.Recv()
	require.Error(t, err, "the stream ended when the server stopped")
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"a clean stop", nil, 0},
		{"usage printed", config.ErrHelp, 0},
		{"version printed", config.ErrVersion, 0},
		{"a failure", errors.New("listen: address in use"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			code := serve.Exit("finance", func(_ context.Context, args []string) error { got = args; return tt.err }, []string{"-listen", "x"})
			require.Equal(t, tt.want, code)
			require.Equal(t, []string{"-listen", "x"}, got)
		})
	}
}

func TestWait(t *testing.T) {
	failed := make(chan error, 1)
	failed <- errors.New("boom")
	require.ErrorContains(t, serve.Wait(t.Context(), failed), "serving stopped: boom")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.NoError(t, serve.Wait(ctx, make(chan error)))
}

func TestNewGRPCHasTheCaps(t *testing.T) {
	caps := limits.DefaultConfig()
	caps.MaxRecvMsgBytes = 1 << 10
	serveOn := func(opts ...grpc.ServerOption) testgrpc.TestServiceClient {
		var lc net.ListenConfig
		lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		srv, _ := serve.NewGRPC(caps, opts...)
		testgrpc.RegisterTestServiceServer(srv, echoService{})
		go func() { _ = srv.Serve(lis) }()
		t.Cleanup(srv.Stop)
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		resp, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
		require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus(), "health is registered")
		return testgrpc.NewTestServiceClient(conn)
	}
	big := &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: make([]byte, 2<<10)}}

	_, err := serveOn().UnaryCall(t.Context(), big)
	require.Equal(t, codes.ResourceExhausted, status.Code(err), "over the message cap: %v", err)
	_, err = serveOn(grpc.MaxRecvMsgSize(4<<10)).UnaryCall(t.Context(), big)
	require.NoError(t, err, "a service's own option replaces the cap")
}

type echoService struct {
	testgrpc.UnimplementedTestServiceServer
}

func (echoService) UnaryCall(context.Context, *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	return &testgrpc.SimpleResponse{}, nil
}

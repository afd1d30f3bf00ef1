package telemetry

import (
	"context"
	"net"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
)

type emptyService struct {
	testgrpc.UnimplementedTestServiceServer
}

func (emptyService) EmptyCall(context.Context, *testgrpc.Empty) (*testgrpc.Empty, error) {
	return &testgrpc.Empty{}, nil
}

// serveTest serves the gRPC test service and health with GRPCServerHandler and returns a client
// connection with GRPCClientHandler.
func serveTest(t *testing.T) *grpc.ClientConn {
	t.Helper()
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(grpc.StatsHandler(GRPCServerHandler()))
	testgrpc.RegisterTestServiceServer(srv, emptyService{})
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(GRPCClientHandler()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestGRPCHandlersJoinClientAndServerInOneTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	metrics := sdkmetric.NewManualReader()
	shutdown, err := Setup(t.Context(), Config{ServiceName: "finance", TraceFile: path, MetricReaders: []sdkmetric.Reader{metrics}})
	require.NoError(t, err)
	conn := serveTest(t)

	_, err = testgrpc.NewTestServiceClient(conn).EmptyCall(t.Context(), &testgrpc.Empty{})
	require.NoError(t, err)
	_, err = healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)

	// The server records its span and metrics when the call ends on its side, which may be just
	// after the client has its answer.
	require.Eventually(t, func() bool {
		names := metricNames(t.Context(), metrics)
		return slices.Contains(names, "rpc.server.call.duration") && slices.Contains(names, "rpc.client.call.duration")
	}, 10*time.Second, 10*time.Millisecond, "gRPC metrics reach the meter provider")
	require.NoError(t, shutdown(t.Context()))

	spans := readSpans(t, path)
	require.Len(t, spans, 2, "one client and one server span; health checks make none: %+v", spans)
	named := map[string]SpanRecord{}
	for _, s := range spans {
		require.Equal(t, "grpc.testing.TestService/EmptyCall", s.Name)
		named[s.Kind] = s
	}
	client, server := named["client"], named["server"]
	require.Equal(t, client.TraceID, server.TraceID, "the server joined the client's trace")
	require.Equal(t, client.SpanID, server.ParentSpanID)
}

// metricNames lists the metrics r has collected (none if it cannot collect).
func metricNames(ctx context.Context, r sdkmetric.Reader) []string {
	var rm metricdata.ResourceMetrics
	if err := r.Collect(ctx, &rm); err != nil {
		return nil
	}
	var names []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			names = append(names, m.Name)
		}
	}
	return names
}

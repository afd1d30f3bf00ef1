package telemetry

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/grpc"
)

// collector is an in-process OTLP/gRPC receiver that keeps what it is sent.
type collector struct {
	coltracepb.UnimplementedTraceServiceServer
	colmetricpb.UnimplementedMetricsServiceServer
	mu      sync.Mutex
	spans   map[string]string // span name -> service.name of its resource
	metrics map[string]string // metric name -> service.name of its resource
}

func (c *collector) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		svc := serviceName(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				c.spans[s.GetName()] = svc
			}
		}
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

type metricsReceiver struct{ *collector }

func (m metricsReceiver) Export(_ context.Context, req *colmetricpb.ExportMetricsServiceRequest) (*colmetricpb.ExportMetricsServiceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, rm := range req.GetResourceMetrics() {
		svc := serviceName(rm.GetResource().GetAttributes())
		for _, sm := range rm.GetScopeMetrics() {
			for _, x := range sm.GetMetrics() {
				m.metrics[x.GetName()] = svc
			}
		}
	}
	return &colmetricpb.ExportMetricsServiceResponse{}, nil
}

func serviceName(attrs []*commonpb.KeyValue) string {
	for _, kv := range attrs {
		if kv.GetKey() == "service.name" {
			return kv.GetValue().GetStringValue()
		}
	}
	return ""
}

func startCollector(t *testing.T) (*collector, string) {
	t.Helper()
	c := &collector{spans: map[string]string{}, metrics: map[string]string{}}
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, c)
	colmetricpb.RegisterMetricsServiceServer(srv, metricsReceiver{c})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return c, "http://" + lis.Addr().String()
}

func TestSetupExportsTracesAndMetricsOverOTLP(t *testing.T) {
	c, endpoint := startCollector(t)
	shutdown, err := Setup(t.Context(), Config{ServiceName: "coordinator", OTLPEndpoint: endpoint})
	require.NoError(t, err)

	_, span := otel.Tracer("telemetry-test").Start(t.Context(), "SubmitReferral")
	span.End()
	counter, err := otel.Meter("telemetry-test").Int64Counter("pathways.test.referrals")
	require.NoError(t, err)
	counter.Add(t.Context(), 3)
	require.NoError(t, shutdown(t.Context()), "shutdown flushes both exporters")

	c.mu.Lock()
	defer c.mu.Unlock()
	require.Equal(t, "coordinator", c.spans["SubmitReferral"])
	require.Equal(t, "coordinator", c.metrics["pathways.test.referrals"])
}

package telemetry

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc/stats"
)

// GRPCServerHandler is the otelgrpc stats handler every pathways gRPC server installs
// (grpc.StatsHandler): a server span per call, joined to the caller's trace from its
// traceparent header, and the rpc.server metrics. Health checks are left out.
func GRPCServerHandler() stats.Handler {
	return otelgrpc.NewServerHandler(otelgrpc.WithFilter(filters.Not(filters.HealthCheck())))
}

// GRPCClientHandler is the otelgrpc stats handler every pathways gRPC client installs
// (grpc.WithStatsHandler): a client span per call whose context travels in the traceparent
// header, and the rpc.client metrics. Health checks are left out.
func GRPCClientHandler() stats.Handler {
	return otelgrpc.NewClientHandler(otelgrpc.WithFilter(filters.Not(filters.HealthCheck())))
}

// GRPCServerMetricsHandler is GRPCServerHandler without spans: the rpc.server metrics only. The
// event store uses it: its callers' own client spans (eventstore.append, .read, .subscribe)
// already describe each call, and a catch-up subscription would otherwise be one span for as long
// as it runs. Health checks are left out.
func GRPCServerMetricsHandler() stats.Handler {
	return otelgrpc.NewServerHandler(otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
		otelgrpc.WithTracerProvider(tracenoop.NewTracerProvider()))
}

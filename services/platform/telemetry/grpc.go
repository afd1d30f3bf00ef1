package telemetry

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
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

package ports

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// Metrics counts and times every finance RPC and counts refused duplicate event IDs.
type Metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	conflicts *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finance_rpc_requests_total", Help: "Finance RPCs handled, by method and gRPC code.",
		}, []string{"method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "finance_rpc_duration_seconds", Help: "Finance RPC latency, by method.", Buckets: prometheus.DefBuckets,
		}, []string{"method"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finance_ingest_conflicts_total", Help: "Ingest requests refused because their event ID was applied with another payload.",
		}, []string{"kind"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.conflicts} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Conflict counts one refused duplicate of kind ("activity" or "outcome").
func (m *Metrics) Conflict(kind string) { m.conflicts.WithLabelValues(kind).Inc() }

// Unary is the interceptor recording the metrics.
func (m *Metrics) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := next(ctx, req)
	m.latency.WithLabelValues(info.FullMethod).Observe(time.Since(start).Seconds())
	m.requests.WithLabelValues(info.FullMethod, status.Code(err).String()).Inc()
	return resp, err
}

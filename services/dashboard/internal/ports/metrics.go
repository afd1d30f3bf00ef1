package ports

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// Metrics counts gRPC calls and page views; Handler serves them in Prometheus format.
type Metrics struct {
	reg   *prometheus.Registry
	calls *prometheus.CounterVec
	pages *prometheus.CounterVec
}

// NewMetrics registers the dashboard's metrics on a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dashboard_rpc_requests_total", Help: "gRPC calls by method and code."}, []string{"method", "code"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dashboard_http_requests_total", Help: "Web requests by path."}, []string{"path"}),
	}
	m.reg.MustRegister(m.calls, m.pages)
	return m
}

// Unary counts calls.
func (m *Metrics) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	resp, err := next(ctx, req)
	m.calls.WithLabelValues(info.FullMethod, status.Code(err).String()).Inc()
	return resp, err
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

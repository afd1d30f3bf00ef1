// Package metrics is the one path a pathways process's metrics take to Prometheus: the
// OpenTelemetry Prometheus exporter, a reader of the process's (global) MeterProvider, serves
// everything recorded there on /metrics: otelgrpc's rpc.server.* and rpc.client.*, the Temporal
// SDK's metrics, each service's own meters, and the Go runtime and process figures.
//
// telemetry.Setup creates the reader (NewReader) and installs it with the MeterProvider; Handler
// serves the reader Setup installed last, so every /metrics endpoint of a process shows the same
// figures (in the devstack: every service's, once, under the process's resource). Serve runs a
// small HTTP server for binaries with no HTTP listener of their own.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Path is where every pathways process serves its metrics.
const Path = "/metrics"

// current is the registry of the reader NewReader made last.
var current atomic.Pointer[prometheus.Registry]

// NewReader returns the OpenTelemetry Prometheus exporter, to be installed as a reader of the
// process's MeterProvider, writing into a fresh registry (with the Go runtime and process
// collectors) that Handler serves from now on.
func NewReader() (sdkmetric.Reader, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("metrics: go collector: %w", err)
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("metrics: process collector: %w", err)
	}
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("metrics: prometheus exporter: %w", err)
	}
	current.Store(reg)
	return exp, nil
}

// Handler serves the metrics in the Prometheus text format: those of the reader NewReader made
// last. Before any (telemetry.Setup was not called) it answers 503 Service Unavailable.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg := current.Load()
		if reg == nil {
			http.Error(w, "metrics are not set up in this process (telemetry.Setup was not called)", http.StatusServiceUnavailable)
			return
		}
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
	})
}

// Server serves Handler on Path.
type Server struct {
	http   *http.Server
	lis    net.Listener
	served chan error
}

// Serve listens on addr (host:port; port 0 picks a free one) and serves Path until Close.
func Serve(ctx context.Context, addr string) (*Server, error) {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen on %s: %w", addr, err)
	}
	return ServeOn(lis, Handler()), nil
}

// ServeOn serves h (Handler, guarded or not) on Path over lis (a TLS listener, say) until
// Close.
func ServeOn(lis net.Listener, h http.Handler) *Server {
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, h)
	s := &Server{http: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, lis: lis, served: make(chan error, 1)}
	go func() {
		if err := s.http.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
			s.served <- err
		}
	}()
	return s
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving at once (a scrape in flight is cut off: the next one will do).
func (s *Server) Close() error {
	if err := s.http.Close(); err != nil {
		return fmt.Errorf("metrics server close: %w", err)
	}
	return nil
}

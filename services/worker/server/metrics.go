package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// metricsServer serves /metrics (platform/metrics) on its own listener, over TLS with the
// worker's certificate when it has one (client certificates verified against -tls-client-ca, and
// required with -tls-require-client-cert).
type metricsServer struct {
	http   *http.Server
	lis    net.Listener
	served chan error
}

func serveMetrics(ctx context.Context, addr string, sec secure.Config) (*metricsServer, error) {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen on %s: %w", addr, err)
	}
	tlsLis, err := sec.Listener(lis)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("metrics listener: %w", err), lis.Close())
	}
	mux := http.NewServeMux()
	mux.Handle(metrics.Path, metrics.Handler())
	m := &metricsServer{http: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, lis: tlsLis, served: make(chan error, 1)}
	go func() {
		if err := m.http.Serve(tlsLis); !errors.Is(err, http.ErrServerClosed) {
			m.served <- err
		}
	}()
	return m, nil
}

func (m *metricsServer) addr() string { return m.lis.Addr().String() }

func (m *metricsServer) close() error {
	if err := m.http.Close(); err != nil {
		return fmt.Errorf("metrics server close: %w", err)
	}
	return nil
}

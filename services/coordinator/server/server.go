package server

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"google.golang.org/grpc"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// Server is a running coordinator service.
type Server struct {
	grpc    *grpc.Server
	rpc     *serve.GRPC
	lis     net.Listener
	metrics *metrics.Server
	http    *http.Server
	hlis    net.Listener
	gwConn  *grpc.ClientConn
	cleanup func()
	served  chan error
}

// Start connects to Temporal, the event store and governance, and serves the gRPC API and the
// REST/JSON gateway in the background until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("coordinator config: %w", err)
	}
	a, audit, cleanup, err := NewApp(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cleanup: cleanup, served: make(chan error, 2)}
	guard, err := cfg.Security.Interceptor(access.CoordinatorPolicy)
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.serveGRPC(ctx, cfg, guard, a, audit); err != nil {
		s.Close()
		return nil, err
	}
	if cfg.HTTPListen != "" {
		if err := s.serveHTTP(ctx, cfg, guard); err != nil {
			s.Close()
			return nil, err
		}
	}
	if cfg.MetricsListen != "" {
		if s.metrics, err = cfg.Security.ServeMetrics(ctx, cfg.MetricsListen, guard); err != nil {
			s.Close()
			return nil, fmt.Errorf("coordinator: %w", err)
		}
	}
	return s, nil
}

func (s *Server) serveGRPC(ctx context.Context, cfg Config, guard identity.Interceptor, a *app.App, audit *app.Audit) error {
	opts, err := cfg.Security.ServerOptions(guard)
	if err != nil {
		return err
	}
	s.grpc = grpc.NewServer(append(opts, grpc.StatsHandler(telemetry.GRPCServerHandler()))...)
	// Every read of a journey and every change is recorded in the access audit trail first;
	// auditors read it through AccessAuditService.
	coord := ports.NewServer(a, ports.WithAudit(audit))
	coordinatorv1.RegisterCoordinatorServiceServer(s.grpc, coord)
	// Information governance erases patients; each erasure is recorded in the same trail.
	coordinatorv1.RegisterPatientDataServiceServer(s.grpc, ports.NewPatientDataServer(coord))
	coordinatorv1.RegisterAccessAuditServiceServer(s.grpc, ports.NewAuditServer(audit))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	if s.lis, err = lc.Listen(ctx, "tcp", cfg.Listen); err != nil {
		return fmt.Errorf("coordinator listen: %w", err)
	}
	go func() { s.served <- s.grpc.Serve(s.lis) }()
	return nil
}

func (s *Server) serveHTTP(ctx context.Context, cfg Config, guard identity.Interceptor) error {
	var err error
	// The gateway calls the gRPC server as a client, over TLS verified against the service's
	// own CA and a name from its own certificate, and forwards each request's Authorization
	// header, so the same table decides.
	self, err := selfClient(cfg.Security.TLS)
	if err != nil {
		return fmt.Errorf("coordinator gateway connection: %w", err)
	}
	creds, err := self.DialOption()
	if err != nil {
		return fmt.Errorf("coordinator gateway connection: %w", err)
	}
	s.gwConn, err = grpc.NewClient(s.lis.Addr().String(), creds, grpc.WithStatsHandler(telemetry.GRPCClientHandler()))
	if err != nil {
		return fmt.Errorf("coordinator gateway connection: %w", err)
	}
	h, err := ports.Gateway(context.WithoutCancel(ctx), s.gwConn, guard)
	if err != nil {
		return err
	}
	if h, err = withCodec(cfg, guard, h); err != nil {
		return err
	}
	var lc net.ListenConfig
	if s.hlis, err = lc.Listen(ctx, "tcp", cfg.HTTPListen); err != nil {
		return fmt.Errorf("coordinator http listen: %w", err)
	}
	if s.hlis, err = cfg.Security.Listener(s.hlis); err != nil {
		return err
	}
	s.http = limits.NewHTTPServer("", traced(h), cfg.HTTP)
	go func() {
		if err := s.http.Serve(s.hlis); !errors.Is(err, http.ErrServerClosed) {
			s.served <- err
		}
	}()
	return nil
}

// traced wraps the gateway in an OpenTelemetry server span per request (named by its method: the
// path carries journey IDs), joined to a caller's traceparent, so a REST call and the gRPC call
// the gateway makes for it are one trace.
func traced(h http.Handler) http.Handler {
	return otelhttp.NewHandler(h, "coordinator-gateway",
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "HTTP " + r.Method }))
}

// Addr is the gRPC address the service listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// HTTPAddr is the REST/JSON address, or "" when the gateway is off.
func (s *Server) HTTPAddr() string {
	if s.hlis == nil {
		return ""
	}
	return s.hlis.Addr().String()
}

// MetricsAddr is the /metrics address, or "" when off.
func (s *Server) MetricsAddr() string {
	if s.metrics == nil {
		return ""
	}
	return s.metrics.Addr()
}

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving (letting calls in flight finish) and closes the connections it opened.
func (s *Server) Close() {
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.http.Shutdown(ctx)
		cancel()
	}
	if s.gwConn != nil {
		_ = s.gwConn.Close()
	}
	if s.metrics != nil {
		_ = s.metrics.Close()
	}
	if s.rpc != nil {
		s.rpc.Stop(serve.DefaultStopWithin)
	}
	if s.cleanup != nil {
		s.cleanup()
	}
}

// selfClient is how the gateway reaches its own gRPC server: without a client certificate (it
// acts for the people whose tokens it forwards), verifying the server by the first DNS name or
// IP address of the server's own certificate, whatever address it listens on.
func selfClient(t tlsconf.Settings) (tlsconf.Client, error) {
	c := tlsconf.Client{CAFile: t.CAFile, Insecure: t.Insecure || !t.Server.Enabled()}
	if c.Insecure {
		return c, nil
	}
	pemBytes, err := os.ReadFile(t.Server.CertFile)
	if err != nil {
		return c, err
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return c, fmt.Errorf("%s holds no PEM certificate", t.Server.CertFile)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return c, err
	}
	switch {
	case len(cert.DNSNames) > 0:
		c.ServerName = cert.DNSNames[0]
	case len(cert.IPAddresses) > 0:
		c.ServerName = cert.IPAddresses[0].String()
	}
	return c, nil
}

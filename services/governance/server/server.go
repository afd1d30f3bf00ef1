package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"google.golang.org/grpc"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/governance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/governance/internal/app"
	"github.com/nhs-pathways/pathways/services/governance/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Server is a running governance service.
type Server struct {
	grpc    *grpc.Server
	rpc     *serve.GRPC
	lis     net.Listener
	metrics *metrics.Server
	cleanup func()
	served  chan error
}

// Start connects to the event store, seeds the built-in pathways if asked, and serves the gRPC
// API (and metrics) in the background until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("governance config: %w", err)
	}
	a, cleanup, err := NewApp(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cleanup: cleanup, served: make(chan error, 2)}
	if err := s.listen(ctx, cfg, a); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// NewApp wires the application over the journal: it returns the app and a cleanup closing the
// journal.
func NewApp(ctx context.Context, cfg Config) (*app.App, func(), error) {
	j, err := events.Open(ctx, cfg.EventStoreURL)
	if err != nil {
		return nil, nil, fmt.Errorf("governance: %w", err)
	}
	cleanup := func() { _ = j.Close() }
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	a := app.New(adapters.NewJournal(j), adapters.Documents{}, app.ClockFunc(now))
	if cfg.SeedBuiltin {
		seeded, err := a.SeedBuiltin(ctx)
		if err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("governance: %w", err)
		}
		if len(seeded) > 0 {
			slog.InfoContext(ctx, "seeded built-in pathways", "pathways", seeded)
		}
	}
	return a, cleanup, nil
}

func (s *Server) listen(ctx context.Context, cfg Config, a *app.App) error {
	m, err := ports.NewMetrics()
	if err != nil {
		return err
	}
	id, err := cfg.Security.Interceptor(access.GovernancePolicy)
	if err != nil {
		return err
	}
	opts, err := cfg.Security.ServerOptions(id)
	if err != nil {
		return err
	}
	s.grpc = grpc.NewServer(append(opts, grpc.StatsHandler(telemetry.GRPCServerHandler()), grpc.ChainUnaryInterceptor(m.Unary))...)
	governancev1.RegisterGovernanceServiceServer(s.grpc, ports.NewServer(a))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	if s.lis, err = lc.Listen(ctx, "tcp", cfg.Listen); err != nil {
		return fmt.Errorf("governance listen: %w", err)
	}
	go func() { s.served <- s.grpc.Serve(s.lis) }()
	if cfg.MetricsListen == "" {
		return nil
	}
	if s.metrics, err = cfg.Security.ServeMetrics(ctx, cfg.MetricsListen, id); err != nil {
		return fmt.Errorf("governance: %w", err)
	}
	return nil
}

// Addr is the gRPC address the service listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// MetricsAddr is the metrics address, or "" when metrics are off.
func (s *Server) MetricsAddr() string {
	if s.metrics == nil {
		return ""
	}
	return s.metrics.Addr()
}

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving (letting calls in flight finish) and closes the journal.
func (s *Server) Close() {
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

package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Server is a running dashboard service.
type Server struct {
	cfg     Config
	app     *app.App
	store   *adapters.Store
	finance *adapters.Finance
	grpc    *grpc.Server
	rpc     *serve.GRPC
	lis     net.Listener
	web     *http.Server
	wlis    net.Listener
	served  chan error
}

// Start opens the read model and serves the gRPC API and the web page until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("dashboard config: %w", err)
	}
	s := &Server{cfg: cfg, served: make(chan error, 2)}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.listen(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) open(ctx context.Context) error {
	path := s.cfg.dbPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("dashboard data dir: %w", err)
	}
	store, err := adapters.OpenStore(ctx, path)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	s.store = store
	var budgets app.BudgetSource
	if s.cfg.FinanceAddr != "" {
		if s.finance, err = adapters.DialFinance(s.cfg.FinanceAddr); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		budgets = s.finance
	}
	s.app = app.New(store, budgets, domain.NewCatalog(pathway.Builtin()), s.cfg.Now)
	return nil
}

func (s *Server) listen(ctx context.Context) error {
	m, err := ports.NewMetrics()
	if err != nil {
		return err
	}
	s.grpc = grpc.NewServer(grpc.StatsHandler(telemetry.GRPCServerHandler()),
		grpc.ChainUnaryInterceptor(rpcerr.RecoverUnary, m.Unary, ports.Identity.Unary), grpc.ChainStreamInterceptor(rpcerr.RecoverStream, ports.Identity.Stream))
	dashboardv1.RegisterDashboardIngestServiceServer(s.grpc, ports.NewIngest(s.app))
	dashboardv1.RegisterDashboardQueryServiceServer(s.grpc, ports.NewQuery(s.app))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	if s.lis, err = lc.Listen(ctx, "tcp", s.cfg.Listen); err != nil {
		return fmt.Errorf("dashboard listen: %w", err)
	}
	go func() { s.served <- s.grpc.Serve(s.lis) }()
	if s.wlis, err = lc.Listen(ctx, "tcp", s.cfg.HTTPListen); err != nil {
		return fmt.Errorf("dashboard http listen: %w", err)
	}
	s.web = &http.Server{Handler: ports.NewWeb(s.app, m), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.web.Serve(s.wlis); !errors.Is(err, http.ErrServerClosed) {
			s.served <- err
		}
	}()
	return nil
}

// Rebuild replays every journey stream of the event store (Config.EventStoreURL) into this
// read model, which should be fresh, and returns the number of facts applied.
func (s *Server) Rebuild(ctx context.Context) (int, error) {
	if s.cfg.EventStoreURL == "" {
		return 0, errors.New("dashboard rebuild: no eventstore-url configured")
	}
	j, err := events.Open(ctx, s.cfg.EventStoreURL)
	if err != nil {
		return 0, fmt.Errorf("dashboard rebuild: %w", err)
	}
	defer func() { _ = j.Close() }()
	return adapters.Rebuild(ctx, j, 500, s.app.IngestBatch)
}

// Addr is the gRPC address.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// HTTPAddr is the web page's address.
func (s *Server) HTTPAddr() string { return s.wlis.Addr().String() }

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving and closes the read model.
func (s *Server) Close() {
	if s.web != nil {
		_ = s.web.Close()
	}
	if s.rpc != nil {
		s.rpc.Stop(serve.DefaultStopWithin)
	}
	if s.finance != nil {
		_ = s.finance.Close()
	}
	if s.store != nil {
		_ = s.store.Close()
	}
}

package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/ports"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Server is a running finance service.
type Server struct {
	app     *app.App
	store   adapters.Ledger
	journal *events.Journal
	grpc    *grpc.Server
	rpc     *serve.GRPC
	lis     net.Listener
	http    *http.Server
	hlis    net.Listener
	stop    context.CancelFunc
	bg      sync.WaitGroup
	served  chan error
	once    sync.Once
}

// Start opens the ledger, connects to the event store (when configured) and serves the APIs in
// the background until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("finance config: %w", err)
	}
	s := &Server{served: make(chan error, 2)}
	var err error
	if s.store, err = adapters.OpenLedger(ctx, cfg.Ledger, cfg.AfterCommit); err != nil {
		return nil, fmt.Errorf("finance: %w", err)
	}
	if cfg.EventStoreURL != "" {
		if s.journal, err = events.Open(ctx, cfg.EventStoreURL); err != nil {
			s.Close()
			return nil, fmt.Errorf("finance: %w", err)
		}
	}
	a := app.New(s.store, ports.Events{}, cfg.Now, slog.Default())
	s.app = a
	if err := s.listen(ctx, cfg, a); err != nil {
		s.Close()
		return nil, err
	}
	s.background(ctx, cfg, a)
	return s, nil
}

// background starts the release loop and the relay. They live until Close, not until ctx (the
// start call's) ends, so they keep ctx's values but not its cancellation.
func (s *Server) background(ctx context.Context, cfg Config, a *app.App) {
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		releaseLoop(bg, a, cfg.ReleaseInterval)
	}()
	if s.journal == nil {
		return
	}
	relay := &adapters.Relay{Store: s.store, Journal: s.journal, Log: slog.Default()}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		relay.Run(bg)
	}()
}

func releaseLoop(ctx context.Context, a *app.App, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.ReleaseDue(ctx); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "release due allocations", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) listen(ctx context.Context, cfg Config, a *app.App) error {
	m, err := ports.NewMetrics()
	if err != nil {
		return err
	}
	a.OnConflict = m.Conflict
	guard, err := cfg.Security.Interceptor(access.FinancePolicy)
	if err != nil {
		return fmt.Errorf("finance identity: %w", err)
	}
	opts, err := cfg.Security.ServerOptions(guard)
	if err != nil {
		return fmt.Errorf("finance tls: %w", err)
	}
	// The metrics interceptor comes after identity and the table: only admitted calls count.
	s.grpc = grpc.NewServer(append(opts, grpc.StatsHandler(telemetry.GRPCServerHandler()), grpc.ChainUnaryInterceptor(m.Unary))...)
	financev1.RegisterFinanceIngestServiceServer(s.grpc, ports.NewIngest(a))
	financev1.RegisterFinanceServiceServer(s.grpc, ports.NewFinance(a))
	financev1.RegisterFinanceFeedServiceServer(s.grpc, ports.NewFeed(a))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	if s.lis, err = lc.Listen(ctx, "tcp", cfg.Listen); err != nil {
		return fmt.Errorf("finance listen: %w", err)
	}
	go func() { s.served <- s.grpc.Serve(s.lis) }()
	if cfg.HTTPListen == "" {
		return nil
	}
	return s.serveHTTP(ctx, cfg, a, guard)
}

// serveHTTP serves /export.csv and /metrics over TLS (when the service serves TLS), each route
// decided by its row in the access table, within the HTTP limits.
func (s *Server) serveHTTP(ctx context.Context, cfg Config, a *app.App, guard identity.Interceptor) error {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", cfg.HTTPListen)
	if err != nil {
		return fmt.Errorf("finance http listen: %w", err)
	}
	s.hlis = lis
	if lis, err = cfg.Security.Listener(lis); err != nil {
		_ = s.hlis.Close()
		return fmt.Errorf("finance http tls: %w", err)
	}
	s.http = limits.NewHTTPServer("", ports.NewWeb(a, guard), cfg.HTTP)
	go func() {
		if err := s.http.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
			s.served <- err
		}
	}()
	return nil
}

// Addr is the gRPC address the service listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// HTTPAddr is the metrics and export address, or "" when off.
func (s *Server) HTTPAddr() string {
	if s.hlis == nil {
		return ""
	}
	return s.hlis.Addr().String()
}

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving (feeds end with Unavailable, unary calls in flight finish), stops the relay and the
// release loop, and closes the ledger and the journal. Safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		if s.http != nil {
			_ = s.http.Close()
		}
		if s.app != nil {
			s.app.Shutdown()
		}
		if s.rpc != nil {
			s.rpc.Stop(serve.DefaultStopWithin)
		}
		if s.stop != nil {
			s.stop()
		}
		s.bg.Wait()
		if s.journal != nil {
			_ = s.journal.Close()
		}
		if s.store != nil {
			_ = s.store.Close()
		}
	})
}

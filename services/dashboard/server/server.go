package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/ports"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/signin"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/limits"
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
	// stopPurge ends the periodic purge; purging is closed when it has.
	stopPurge context.CancelFunc
	purging   chan struct{}
	// stopWatch ends the watch for other replicas' changes; watching is closed when it has.
	stopWatch context.CancelFunc
	watching  chan struct{}
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
	s.watchReplicas(ctx)
	s.purgeEvery(ctx)
	return s, nil
}

func (s *Server) open(ctx context.Context) error {
	db := s.cfg.db()
	if !adapters.IsPostgres(db) {
		if err := os.MkdirAll(filepath.Dir(db), 0o750); err != nil {
			return fmt.Errorf("dashboard data dir: %w", err)
		}
	}
	store, err := adapters.OpenStore(ctx, db)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	s.store = store
	var budgets app.BudgetSource
	if s.cfg.FinanceAddr != "" {
		dial, err := s.cfg.Security.Dial(s.cfg.FinanceTLS)
		if err != nil {
			return fmt.Errorf("dashboard finance: %w", err)
		}
		if s.finance, err = adapters.DialFinance(s.cfg.FinanceAddr, dial); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		budgets = s.finance
	}
	s.app = app.New(store, budgets, domain.NewCatalog(pathway.Builtin()), s.cfg.Now, s.cfg.Disclosure.rule())
	return nil
}

func (s *Server) listen(ctx context.Context) error {
	m, err := ports.NewMetrics()
	if err != nil {
		return err
	}
	guard, err := ports.Guard(s.cfg.Security)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	opts, err := s.cfg.Security.ServerOptions(guard)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	s.grpc = grpc.NewServer(append(opts, grpc.StatsHandler(telemetry.GRPCServerHandler()), grpc.ChainUnaryInterceptor(m.Unary))...)
	dashboardv1.RegisterDashboardIngestServiceServer(s.grpc, ports.NewIngest(s.app))
	dashboardv1.RegisterDashboardQueryServiceServer(s.grpc, ports.NewQuery(s.app))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	if s.lis, err = lc.Listen(ctx, "tcp", s.cfg.Listen); err != nil {
		return fmt.Errorf("dashboard listen: %w", err)
	}
	go func() { s.served <- s.grpc.Serve(s.lis) }()
	return s.serveWeb(ctx, guard, m)
}

// serveWeb serves the page over TLS when the service does, every route behind guard, with the
// sign-in when tokens are verified.
func (s *Server) serveWeb(ctx context.Context, guard identity.Interceptor, m *ports.Metrics) error {
	var lc net.ListenConfig
	var err error
	if s.wlis, err = lc.Listen(ctx, "tcp", s.cfg.HTTPListen); err != nil {
		return fmt.Errorf("dashboard http listen: %w", err)
	}
	lis, err := s.cfg.Security.Listener(s.wlis)
	if err != nil {
		return fmt.Errorf("dashboard http: %w", err)
	}
	opts := ports.WebOptions{Guard: guard}
	if s.cfg.Security.Authenticating() {
		if opts.SignIn, err = signin.New(s.signInConfig(), guard.Verifier); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
	}
	s.web = limits.NewHTTPServer("", ports.NewWeb(s.app, m, opts), s.cfg.HTTP)
	go func() {
		if err := s.web.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
			s.served <- err
		}
	}()
	return nil
}

func (s *Server) signInConfig() signin.Config {
	w := s.cfg.Web
	return signin.Config{ClientID: w.ClientID, ClientSecret: w.ClientSecret, PublicURL: s.WebURL(), OIDC: s.cfg.Security.OIDC,
		Scopes: strings.Fields(w.Scopes), Secure: s.cfg.Security.TLS.Server.Enabled() || strings.HasPrefix(s.WebURL(), "https://")}
}

// Rebuild replays every journey stream of the event store (Config.EventStoreURL) into this
// read model, which should be fresh, purges the journeys past retention (see Purge) and returns
// the number of facts applied.
func (s *Server) Rebuild(ctx context.Context) (int, error) {
	if s.cfg.EventStoreURL == "" {
		return 0, errors.New("dashboard rebuild: no eventstore-url configured")
	}
	j, err := events.Open(ctx, s.cfg.EventStoreURL)
	if err != nil {
		return 0, fmt.Errorf("dashboard rebuild: %w", err)
	}
	defer func() { _ = j.Close() }()
	n, err := adapters.Rebuild(ctx, j, 500, s.app.IngestBatch)
	if err != nil {
		return n, err
	}
	if _, err := s.Purge(ctx); err != nil {
		return n, fmt.Errorf("dashboard rebuild: %w", err)
	}
	return n, nil
}

// Addr is the gRPC address.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// HTTPAddr is the web page's address.
func (s *Server) HTTPAddr() string { return s.wlis.Addr().String() }

// WebURL is the page's base URL as browsers reach it: Config.Web.PublicURL, else the web
// listener's address (https when it serves TLS). People sign in through WebURL() +
// "/auth/callback", the redirect URI to register with the provider.
func (s *Server) WebURL() string {
	if s.cfg.Web.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.Web.PublicURL, "/")
	}
	scheme := "http://"
	if s.cfg.Security.TLS.Server.Enabled() {
		scheme = "https://"
	}
	return scheme + s.HTTPAddr()
}

// Done delivers an error if serving stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Close stops serving, purging and watching, and closes the read model.
func (s *Server) Close() {
	if s.stopPurge != nil {
		s.stopPurge()
		<-s.purging
	}
	if s.stopWatch != nil {
		s.stopWatch()
		<-s.watching
	}
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

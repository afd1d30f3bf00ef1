// Package server wires the event store together: the Pebble store, the
// gRPC services with their interceptors, TLS and the metrics endpoint. The
// binary and the embedded package both start it.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/grpcapi"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/metrics"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/operationspb"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
	platformmetrics "github.com/nhs-pathways/pathways/services/platform/metrics"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// Server is a running event store. Close it exactly once.
type Server struct {
	store   *store.Store
	grpc    *grpc.Server
	rpc     *serve.GRPC
	lis     net.Listener
	observe *metrics.Metrics
	metrics *http.Server
	mlis    net.Listener
	served  chan error
	tls     bool
	scav    *scavenger
}

// shutdownGrace is how long Close lets in-flight calls finish.
const shutdownGrace = 5 * time.Second

// Start opens the store and serves gRPC (and metrics) until Close.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	m, err := metrics.New()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(store.Options{Dir: cfg.DataDir, InMemory: cfg.InMemory, Observer: m, Now: cfg.Clock})
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, observe: m, served: make(chan error, 1), tls: !cfg.Insecure, scav: newScavenger(st, m, log)}
	if err := m.WatchFsyncs(st.WALFsyncs); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := s.listen(ctx, cfg, log, m); err != nil {
		_ = m.Close()
		_ = st.Close()
		return nil, err
	}
	if cfg.ScavengeInterval > 0 {
		s.scav.every(cfg.ScavengeInterval) //nolint:contextcheck // periodic scavenges outlive Start's context: Close stops them
	}
	return s, nil
}

func (s *Server) listen(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics) error {
	unary := []grpc.UnaryServerInterceptor{grpcapi.RecoveryUnary(log)}
	stream := []grpc.StreamServerInterceptor{grpcapi.RecoveryStream(log)}
	access := grpcapi.Open
	if !cfg.Insecure {
		users, err := cfg.Directory()
		if err != nil {
			return fmt.Errorf("users: %w", err)
		}
		authn := grpcapi.NewAuthenticator(users)
		unary, stream = append(unary, authn.Unary), append(stream, authn.Stream)
		access = grpcapi.Checked
	}
	opts := []grpc.ServerOption{
		// rpc.server.* metrics (no spans: the journal's client spans describe each call).
		grpc.StatsHandler(telemetry.GRPCServerMetricsHandler()),
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		// Stop must not return while a handler may still touch the store.
		grpc.WaitForHandlers(true),
		// Catch-up subscriptions stream one message per event: bigger
		// write buffers mean fewer syscalls per event.
		grpc.WriteBufferSize(256 << 10),
		// The official client pings every 10s, even without calls.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 5 * time.Second, PermitWithoutStream: true}),
	}
	if s.tls {
		creds, err := transportCredentials(cfg)
		if err != nil {
			return err
		}
		opts = append(opts, grpc.Creds(creds))
	}
	s.grpc = grpc.NewServer(opts...)
	api.RegisterStreamsServer(s.grpc, grpcapi.NewStreams(s.store, m, access))
	serverfeatures.RegisterServerFeaturesServer(s.grpc, grpcapi.Features{})
	operationspb.RegisterOperationsServer(s.grpc, grpcapi.NewOperations(s.scav, access))
	s.rpc = serve.Register(s.grpc)
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	s.lis = lis
	if cfg.MetricsListen != "" {
		if err := s.serveMetrics(ctx, cfg.MetricsListen); err != nil {
			_ = lis.Close()
			return err
		}
	}
	go func() { s.served <- s.grpc.Serve(lis) }()
	return nil
}

func (s *Server) serveMetrics(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	s.mlis = lis
	mux := http.NewServeMux()
	mux.Handle(platformmetrics.Path, platformmetrics.Handler())
	s.metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.metrics.Serve(lis) }()
	return nil
}

// Addr is the gRPC listen address (host:port), useful with port 0.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// MetricsAddr is the metrics listen address, empty when disabled.
func (s *Server) MetricsAddr() string {
	if s.mlis == nil {
		return ""
	}
	return s.mlis.Addr().String()
}

// TLS reports whether the server speaks TLS, and so authenticates and authorises every call
// (it does unless configured insecure).
func (s *Server) TLS() bool { return s.tls }

// Done delivers the gRPC server's exit error if it stops on its own.
func (s *Server) Done() <-chan error { return s.served }

// Scavenge runs a scavenge now and returns when it is done (see store.Scavenge): the events no
// reader can read any more leave the disk. It waits for a scavenge already running.
func (s *Server) Scavenge(ctx context.Context) (store.ScavengeResult, error) {
	return s.scav.run(ctx, "on-demand")
}

// Close reports NOT_SERVING, ends subscriptions, lets in-flight calls finish
// (for up to shutdownGrace), stops a running scavenge (what it removed stays
// removed), then commits queued writes and closes the store.
func (s *Server) Close() error {
	s.rpc.Health().Shutdown() // NOT_SERVING first, while the listener is still open
	s.store.EndSubscriptions()
	s.rpc.Stop(shutdownGrace)
	s.scav.close()
	errs := []error{s.observe.Close()}
	if s.metrics != nil {
		errs = append(errs, s.metrics.Close())
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

// Package embedded runs the event store inside another process, for tests
// and the devstack: the same server as the eventstore binary, reachable
// with the official client at URL().
package embedded

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/server"
)

// Options configures an embedded server.
type Options struct {
	// DataDir is the durable data directory; required unless InMemory.
	DataDir string
	// InMemory keeps all data in memory; nothing survives Close.
	InMemory bool
	// Listen is the gRPC address; default "127.0.0.1:0" (a free port).
	Listen string
}

// Server is a running embedded event store. It is safe for concurrent use.
type Server struct {
	srv *server.Server
}

// Start opens the store and starts serving plaintext gRPC.
func Start(ctx context.Context, opts Options) (*Server, error) {
	cfg := config.Config{Listen: opts.Listen, DataDir: opts.DataDir, InMemory: opts.InMemory}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.InMemory {
		cfg.DataDir = ""
	}
	srv, err := server.Start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, fmt.Errorf("start embedded event store: %w", err)
	}
	return &Server{srv: srv}, nil
}

// URL is the connection string for the official client.
func (s *Server) URL() string { return fmt.Sprintf("esdb://%s?tls=false", s.srv.Addr()) }

// Addr is the gRPC address, host:port.
func (s *Server) Addr() string { return s.srv.Addr() }

// Close stops subscriptions, finishes in-flight calls, flushes and closes
// the store.
func (s *Server) Close() error { return s.srv.Close() }

// Command eventstore is a single-node event store speaking the
// EventStoreDB gRPC protocol, durable on Pebble.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "eventstore:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := config.Load(os.Args[1:], os.Getenv)
	if err != nil {
		return err
	}
	srv, err := server.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	log.Info("event store listening", "addr", srv.Addr(), "tls", srv.TLS(), "data_dir", cfg.DataDir, "in_memory", cfg.InMemory)
	select {
	case <-ctx.Done():
	case err := <-srv.Done():
		log.Error("gRPC server stopped", "error", err)
	}
	log.Info("shutting down")
	return srv.Close()
}

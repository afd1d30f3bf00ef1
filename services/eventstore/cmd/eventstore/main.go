// Command eventstore is a single-node event store speaking the EventStoreDB gRPC protocol,
// durable on Pebble, with /metrics. `eventstore -h` lists the flags and their environment
// variables.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/config"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/server"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

func main() { serve.Main("eventstore", run) }

func run(ctx context.Context, args []string) error {
	cfg, tel, err := config.Load(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	return serve.Run(ctx, tel, func(ctx context.Context) (err error) {
		srv, err := server.Start(ctx, cfg, slog.Default())
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, srv.Close()) }()
		slog.InfoContext(ctx, "event store listening", "addr", srv.Addr(), "metrics", srv.MetricsAddr(), "tls", srv.TLS(), "authentication", !cfg.Insecure,
			"data_dir", cfg.DataDir, "in_memory", cfg.InMemory)
		return serve.Wait(ctx, srv.Done())
	})
}

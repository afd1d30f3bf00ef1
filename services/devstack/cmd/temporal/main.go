// Command temporal runs the Temporal server the devstack embeds (go.temporal.io/server, every
// service in one process) on its own, and optionally its Web UI: on a SQLite file for a dev
// run, or on PostgreSQL (persistence and SQL visibility in two databases) as the production
// shape runs it. At start it brings the PostgreSQL schemas to the versions the server needs,
// registers the namespace with its search attributes when missing, and serves once the
// frontend answers. It can be killed at any moment and started again on the same databases.
// `temporal -h` lists the flags and their environment variables.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/nhs-pathways/pathways/services/devstack/internal/temporalserver"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

func main() { serve.Main("temporal", run) }

func run(ctx context.Context, args []string) error {
	opts, err := load(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	started := time.Now()
	s, err := temporalserver.Start(ctx, opts)
	if err != nil {
		return err
	}
	store := "sqlite " + opts.SQLiteFile
	if opts.Postgres != nil {
		store = "postgresql"
	}
	slog.InfoContext(ctx, "temporal serving", "frontend", s.FrontendAddr(), "ui", s.UIURL(), "namespace", opts.Namespace,
		"store", store, "tls", opts.TLS != nil, "started_in", time.Since(started).Round(time.Millisecond))
	<-ctx.Done()
	if err := s.Stop(); err != nil {
		return fmt.Errorf("stop temporal: %w", err)
	}
	return nil
}

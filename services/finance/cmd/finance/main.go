// Command finance serves the capitated budget ledger: contracts, ingest of costed activity and
// outcomes, budget queries, and the capitation event feed.
//
// Flags (each with an environment variable default):
//
//	--listen            FINANCE_LISTEN            gRPC address (127.0.0.1:9103)
//	--http-listen       FINANCE_HTTP_LISTEN       /metrics and /export.csv address (off when empty)
//	--eventstore-url    FINANCE_EVENTSTORE_URL    esdb:// connection string; empty turns the relay off
//	--ledger            FINANCE_LEDGER            SQLite ledger file (finance.db)
//	--release-interval  FINANCE_RELEASE_INTERVAL  how often due allocations are released (1m)
//	--otlp-endpoint     OTEL_EXPORTER_OTLP_ENDPOINT  OpenTelemetry collector OTLP/gRPC URL (off when empty)
//	--trace-file        PATHWAYS_TRACE_FILE       append finished spans as JSON lines (off when empty)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() {
	if err := serve(); err != nil {
		slog.Error("finance stopped", "err", err)
		os.Exit(1)
	}
}

func serve() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:])
}

func run(ctx context.Context, args []string) (err error) {
	cfg, tel, err := load(args)
	if err != nil {
		return err
	}
	shutdown, err := telemetry.Setup(ctx, tel)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, shutdown.Within(ctx, 5*time.Second)) }()
	s, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	slog.Info("finance serving", "addr", s.Addr(), "http", s.HTTPAddr(), "ledger", cfg.LedgerPath)
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.Done():
		return fmt.Errorf("serve: %w", err)
	}
}

func load(args []string) (server.Config, telemetry.Config, error) {
	def := server.DefaultConfig()
	tel := telemetry.Config{ServiceName: "finance"}
	every, err := time.ParseDuration(env("FINANCE_RELEASE_INTERVAL", def.ReleaseInterval.String()))
	if err != nil {
		return def, tel, fmt.Errorf("FINANCE_RELEASE_INTERVAL: %w", err)
	}
	cfg := def
	fs := flag.NewFlagSet("finance", flag.ContinueOnError)
	fs.StringVar(&cfg.Listen, "listen", env("FINANCE_LISTEN", def.Listen), "gRPC listen address")
	fs.StringVar(&cfg.HTTPListen, "http-listen", env("FINANCE_HTTP_LISTEN", ""), "metrics and CSV export address (empty: off)")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", env("FINANCE_EVENTSTORE_URL", def.EventStoreURL), "event store connection string (empty: relay off)")
	fs.StringVar(&cfg.LedgerPath, "ledger", env("FINANCE_LEDGER", def.LedgerPath), "SQLite ledger file")
	fs.DurationVar(&cfg.ReleaseInterval, "release-interval", every, "how often due allocations are released")
	tel.RegisterFlags(fs, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	return cfg, tel, errors.Join(cfg.Validate(), tel.Validate())
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

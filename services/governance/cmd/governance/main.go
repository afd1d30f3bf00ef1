// Command governance serves the pathway registry and Expert Oversight Group review API.
//
// Flags (each with an environment variable default):
//
//	--listen          GOVERNANCE_LISTEN          gRPC address (127.0.0.1:9102)
//	--eventstore-url  GOVERNANCE_EVENTSTORE_URL  esdb:// connection string (esdb://127.0.0.1:2113?tls=false)
//	--seed-builtin    GOVERNANCE_SEED_BUILTIN    seed msk v1 and copd v1 into an empty store (true)
//	--metrics-listen  GOVERNANCE_METRICS_LISTEN  Prometheus /metrics address (off when empty)
//	--otlp-endpoint   OTEL_EXPORTER_OTLP_ENDPOINT  OpenTelemetry collector OTLP/gRPC URL (off when empty)
//	--trace-file      PATHWAYS_TRACE_FILE        append finished spans as JSON lines (off when empty)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() {
	if err := serve(); err != nil {
		slog.Error("governance stopped", "err", err)
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
	slog.Info("governance serving", "addr", s.Addr(), "metrics", s.MetricsAddr())
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.Done():
		return fmt.Errorf("serve: %w", err)
	}
}

func load(args []string) (server.Config, telemetry.Config, error) {
	def := server.DefaultConfig()
	tel := telemetry.Config{ServiceName: "governance"}
	seed, err := strconv.ParseBool(env("GOVERNANCE_SEED_BUILTIN", strconv.FormatBool(def.SeedBuiltin)))
	if err != nil {
		return def, tel, fmt.Errorf("GOVERNANCE_SEED_BUILTIN: %w", err)
	}
	cfg := def
	fs := flag.NewFlagSet("governance", flag.ContinueOnError)
	fs.StringVar(&cfg.Listen, "listen", env("GOVERNANCE_LISTEN", def.Listen), "gRPC listen address")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", env("GOVERNANCE_EVENTSTORE_URL", def.EventStoreURL), "event store connection string")
	fs.BoolVar(&cfg.SeedBuiltin, "seed-builtin", seed, "seed the built-in pathways into an empty store")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", env("GOVERNANCE_METRICS_LISTEN", ""), "Prometheus metrics listen address (empty: off)")
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

// Command dashboard serves the System Dashboard: the ingest and query gRPC API and the web page.
//
// Flags (each with an environment variable default):
//
//	--listen          DASHBOARD_LISTEN          gRPC address (127.0.0.1:9104)
//	--http-listen     DASHBOARD_HTTP_LISTEN     web page address (127.0.0.1:8084)
//	--data-dir        DASHBOARD_DATA_DIR        directory of dashboard.db (data/dashboard)
//	--db              DASHBOARD_DB              read model file (overrides --data-dir)
//	--eventstore-url  DASHBOARD_EVENTSTORE_URL  esdb:// connection string for --rebuild
//	--finance-addr    DASHBOARD_FINANCE_ADDR    finance gRPC address for budget used (off when empty)
//	--otlp-endpoint   OTEL_EXPORTER_OTLP_ENDPOINT  OpenTelemetry collector OTLP/gRPC URL (off when empty)
//	--trace-file      PATHWAYS_TRACE_FILE       append finished spans as JSON lines (off when empty)
//	--rebuild                                   replay the journey streams into the (fresh) read model first
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
	_ "time/tzdata" // Europe/London months without a system zoneinfo

	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		slog.Error("dashboard stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) (err error) {
	cfg, tel, rebuild, err := load(args)
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
	if rebuild {
		n, err := s.Rebuild(ctx)
		if err != nil {
			return err
		}
		slog.Info("read model rebuilt from the event store", "facts", n)
	}
	slog.Info("dashboard serving", "grpc", s.Addr(), "http", "http://"+s.HTTPAddr())
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.Done():
		return fmt.Errorf("serve: %w", err)
	}
}

func load(args []string) (server.Config, telemetry.Config, bool, error) {
	def := server.DefaultConfig()
	cfg := def
	tel := telemetry.Config{ServiceName: "dashboard"}
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.StringVar(&cfg.Listen, "listen", env("DASHBOARD_LISTEN", def.Listen), "gRPC listen address")
	fs.StringVar(&cfg.HTTPListen, "http-listen", env("DASHBOARD_HTTP_LISTEN", def.HTTPListen), "web page listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", env("DASHBOARD_DATA_DIR", def.DataDir), "directory of the read model")
	fs.StringVar(&cfg.DBPath, "db", env("DASHBOARD_DB", ""), "read model file (overrides --data-dir)")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", env("DASHBOARD_EVENTSTORE_URL", ""), "event store connection string (for --rebuild)")
	fs.StringVar(&cfg.FinanceAddr, "finance-addr", env("DASHBOARD_FINANCE_ADDR", ""), "finance service gRPC address")
	rebuild := fs.Bool("rebuild", false, "replay the journey streams into the read model before serving")
	tel.RegisterFlags(fs, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, false, err
	}
	return cfg, tel, *rebuild, errors.Join(cfg.Validate(), tel.Validate())
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// Command worker runs journey workflows and their activities on the journeys task queue.
//
// Flags (each with an environment variable default):
//
//	--temporal-address  WORKER_TEMPORAL_ADDRESS  Temporal frontend (127.0.0.1:7233)
//	--namespace         WORKER_NAMESPACE         Temporal namespace (default)
//	--eventstore-url    WORKER_EVENTSTORE_URL    esdb:// connection string (esdb://127.0.0.1:2113?tls=false)
//	--governance-addr   WORKER_GOVERNANCE_ADDR   governance gRPC address (127.0.0.1:9102)
//	--finance-addr      WORKER_FINANCE_ADDR      finance gRPC address (127.0.0.1:9103)
//	--dashboard-addr    WORKER_DASHBOARD_ADDR    dashboard gRPC address (127.0.0.1:9104)
//	--actor             WORKER_ACTOR             identity given to governance (journey-worker)
//	--register-search-attributes  WORKER_REGISTER_SEARCH_ATTRIBUTES  add the journey search attributes (true)
//	--otlp-endpoint     OTEL_EXPORTER_OTLP_ENDPOINT  OpenTelemetry collector OTLP/gRPC URL (off when empty)
//	--trace-file        PATHWAYS_TRACE_FILE      append finished spans as JSON lines (off when empty)
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

	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/worker/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.LookupEnv)
	stop()
	if err != nil {
		slog.Error("worker stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, lookup func(string) (string, bool)) (err error) {
	cfg, tel, err := load(args, lookup)
	if err != nil {
		return err
	}
	shutdown, err := telemetry.Setup(ctx, tel)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, shutdown.Within(ctx, 5*time.Second)) }()
	w, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	slog.Info("journey worker polling", "temporal", cfg.TemporalAddress, "namespace", cfg.Namespace)
	<-ctx.Done()
	return w.Close()
}

func load(args []string, lookup func(string) (string, bool)) (server.Config, telemetry.Config, error) {
	env := func(key, def string) string {
		if v, ok := lookup(key); ok {
			return v
		}
		return def
	}
	def := server.DefaultConfig()
	cfg := def
	tel := telemetry.Config{ServiceName: "worker"}
	register, err := strconv.ParseBool(env("WORKER_REGISTER_SEARCH_ATTRIBUTES", strconv.FormatBool(def.RegisterSearchAttributes)))
	if err != nil {
		return cfg, tel, fmt.Errorf("WORKER_REGISTER_SEARCH_ATTRIBUTES: %w", err)
	}
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.StringVar(&cfg.TemporalAddress, "temporal-address", env("WORKER_TEMPORAL_ADDRESS", def.TemporalAddress), "Temporal frontend host:port")
	fs.StringVar(&cfg.Namespace, "namespace", env("WORKER_NAMESPACE", def.Namespace), "Temporal namespace")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", env("WORKER_EVENTSTORE_URL", def.EventStoreURL), "event store connection string")
	fs.StringVar(&cfg.GovernanceAddr, "governance-addr", env("WORKER_GOVERNANCE_ADDR", def.GovernanceAddr), "governance gRPC address")
	fs.StringVar(&cfg.FinanceAddr, "finance-addr", env("WORKER_FINANCE_ADDR", def.FinanceAddr), "finance gRPC address")
	fs.StringVar(&cfg.DashboardAddr, "dashboard-addr", env("WORKER_DASHBOARD_ADDR", def.DashboardAddr), "dashboard gRPC address")
	fs.StringVar(&cfg.Actor, "actor", env("WORKER_ACTOR", def.Actor), "identity given to governance")
	fs.BoolVar(&cfg.RegisterSearchAttributes, "register-search-attributes", register, "add the journey search attributes to the namespace")
	tel.RegisterFlags(fs, func(k string) string { return env(k, "") })
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	return cfg, tel, errors.Join(cfg.Validate(), tel.Validate())
}

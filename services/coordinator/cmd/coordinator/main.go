// Command coordinator serves the coordinator API: gRPC (CoordinatorService) and REST/JSON with
// its OpenAPI document at /openapi.json. Flags override COORDINATOR_* environment variables.
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

	"github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		slog.Error("coordinator stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) (err error) {
	cfg, tel, err := loadConfig(args, os.Getenv)
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
	slog.InfoContext(ctx, "coordinator serving", "grpc", s.Addr(), "http", s.HTTPAddr())
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.Done():
		return fmt.Errorf("coordinator serving: %w", err)
	}
}

// loadConfig reads the defaults, then COORDINATOR_* variables (and the OpenTelemetry ones, see
// telemetry.Config.RegisterFlags), then flags.
func loadConfig(args []string, getenv func(string) string) (server.Config, telemetry.Config, error) {
	cfg := server.DefaultConfig()
	tel := telemetry.Config{ServiceName: "coordinator"}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("coordinator", flag.ContinueOnError)
	fs.StringVar(&cfg.Listen, "listen", env("COORDINATOR_LISTEN", cfg.Listen), "gRPC address")
	fs.StringVar(&cfg.HTTPListen, "http-listen", env("COORDINATOR_HTTP_LISTEN", cfg.HTTPListen), "REST/JSON and OpenAPI address (empty: off)")
	fs.StringVar(&cfg.TemporalAddress, "temporal-address", env("COORDINATOR_TEMPORAL_ADDRESS", cfg.TemporalAddress), "Temporal frontend host:port")
	fs.StringVar(&cfg.Namespace, "namespace", env("COORDINATOR_NAMESPACE", cfg.Namespace), "Temporal namespace")
	fs.StringVar(&cfg.EventStoreURL, "eventstore-url", env("COORDINATOR_EVENTSTORE_URL", cfg.EventStoreURL), "event store esdb:// connection string")
	fs.StringVar(&cfg.GovernanceAddr, "governance-addr", env("COORDINATOR_GOVERNANCE_ADDR", cfg.GovernanceAddr), "governance gRPC host:port")
	fs.StringVar(&cfg.Actor, "actor", env("COORDINATOR_ACTOR", cfg.Actor), "x-actor this service uses towards governance")
	cfg.FingerprintKey = getenv("COORDINATOR_FINGERPRINT_KEY")
	tel.RegisterFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return server.Config{}, tel, fmt.Errorf("coordinator flags: %w", err)
	}
	if err := errors.Join(cfg.Validate(), tel.Validate()); err != nil {
		return server.Config{}, tel, fmt.Errorf("coordinator config: %w", err)
	}
	return cfg, tel, nil
}

// Command governance serves the pathway registry and Expert Oversight Group review API.
// `governance -h` lists the flags and their environment variables.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/nhs-pathways/pathways/services/governance/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() { serve.Main("governance", run) }

func run(ctx context.Context, args []string) error {
	cfg, tel, err := load(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	return serve.Run(ctx, tel, func(ctx context.Context) error {
		s, err := server.Start(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		slog.InfoContext(ctx, "governance serving", "grpc", s.Addr(), "metrics", s.MetricsAddr())
		return serve.Wait(ctx, s.Done())
	})
}

// load reads the flags over the GOVERNANCE_* (and telemetry) variables over the defaults.
func load(args []string, getenv func(string) string, out io.Writer) (server.Config, telemetry.Config, error) {
	cfg := server.DefaultConfig()
	cfg.MetricsListen = server.DefaultMetricsListen
	tel := telemetry.Config{ServiceName: "governance"}
	fs := config.New("governance", getenv, out)
	fs.Summary("governance serves the pathway registry and Expert Oversight Group review API.")
	fs.String(&cfg.Listen, "listen", "GOVERNANCE_LISTEN", "gRPC address")
	fs.String(&cfg.EventStoreURL, "eventstore-url", "GOVERNANCE_EVENTSTORE_URL", "event store connection string: esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://, with its credentials and TLS settings")
	fs.Bool(&cfg.SeedBuiltin, "seed-builtin", "GOVERNANCE_SEED_BUILTIN", "seed msk v1 and copd v1 into an empty store")
	fs.String(&cfg.MetricsListen, "metrics-listen", "GOVERNANCE_METRICS_LISTEN", "Prometheus /metrics address (-metrics-listen= turns it off)")
	cfg.Security.RegisterFlags(fs, "GOVERNANCE")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	return cfg, tel, fs.Check(cfg.Validate(), tel.Validate())
}

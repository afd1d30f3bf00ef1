// Command finance serves the capitated budget ledger: contracts, ingest of costed activity and
// outcomes, budget queries, the capitation event feed, and /metrics and /export.csv over HTTP.
// `finance -h` lists the flags and their environment variables.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() { serve.Main("finance", run) }

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
		slog.InfoContext(ctx, "finance serving", "grpc", s.Addr(), "http", s.HTTPAddr(), "ledger", cfg.Ledger)
		return serve.Wait(ctx, s.Done())
	})
}

// load reads the flags over the FINANCE_* (and telemetry) variables over the defaults.
func load(args []string, getenv func(string) string, out io.Writer) (server.Config, telemetry.Config, error) {
	cfg := server.DefaultConfig()
	tel := telemetry.Config{ServiceName: "finance"}
	fs := config.New("finance", getenv, out)
	fs.Summary("finance serves the capitated budget ledger: contracts, ingest, budget queries, the capitation event feed.")
	fs.String(&cfg.Listen, "listen", "FINANCE_LISTEN", "gRPC address")
	fs.String(&cfg.HTTPListen, "http-listen", "FINANCE_HTTP_LISTEN", "/metrics and /export.csv address (empty: off)")
	fs.String(&cfg.EventStoreURL, "eventstore-url", "FINANCE_EVENTSTORE_URL", "event store connection string: esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// (-eventstore-url= turns the relay off)")
	fs.String(&cfg.Ledger, "ledger", "FINANCE_LEDGER", "ledger: a SQLite file, or a postgres:// URL shared by every replica")
	fs.Duration(&cfg.ReleaseInterval, "release-interval", "FINANCE_RELEASE_INTERVAL", "how often due allocations are released")
	cfg.Security.RegisterFlags(fs, "FINANCE")
	cfg.HTTP.Register(fs, "FINANCE")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	return cfg, tel, fs.Check(cfg.Validate(), tel.Validate())
}

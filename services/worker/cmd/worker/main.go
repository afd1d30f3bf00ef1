// Command worker runs journey workflows and their activities on the journeys task queue, and
// serves /metrics. `worker -h` lists the flags and their environment variables.
package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/worker/server"
)

func main() { serve.Main("worker", run) }

func run(ctx context.Context, args []string) error {
	cfg, tel, err := load(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	return serve.Run(ctx, tel, func(ctx context.Context) (err error) {
		w, err := server.Start(ctx, cfg)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, w.Close()) }()
		slog.InfoContext(ctx, "journey worker polling", "temporal", cfg.Temporal.Address, "namespace", cfg.Temporal.Namespace,
			"temporal_tls", cfg.Temporal.TLSEnabled(), "insecure", cfg.Security.TLS.Insecure, "metrics", w.MetricsAddr())
		return serve.Wait(ctx, w.Done())
	})
}

// load reads the flags over their variables (WORKER_*, TEMPORAL_* and telemetry's) over the
// defaults.
func load(args []string, getenv func(string) string, out io.Writer) (server.Config, telemetry.Config, error) {
	cfg := server.DefaultConfig()
	cfg.MetricsListen = server.DefaultMetricsListen
	tel := telemetry.Config{ServiceName: "worker"}
	fs := config.New("worker", getenv, out)
	fs.Summary("worker runs journey workflows and their activities on the journeys task queue.")
	cfg.Temporal.RegisterFlags(fs)
	fs.String(&cfg.EventStoreURL, "eventstore-url", "WORKER_EVENTSTORE_URL", "event store connection string: esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://, with its credentials and TLS settings")
	fs.String(&cfg.GovernanceAddr, "governance-addr", "WORKER_GOVERNANCE_ADDR", "governance gRPC address: host:port, dns:///name:port (every address a replica) or host1:port,host2:port; round robin over the healthy ones")
	fs.String(&cfg.FinanceAddr, "finance-addr", "WORKER_FINANCE_ADDR", "finance gRPC address: host:port, dns:///name:port (every address a replica) or host1:port,host2:port; round robin over the healthy ones")
	fs.String(&cfg.DashboardAddr, "dashboard-addr", "WORKER_DASHBOARD_ADDR", "dashboard gRPC address: host:port, dns:///name:port (every address a replica) or host1:port,host2:port; round robin over the healthy ones")
	fs.String(&cfg.MetricsListen, "metrics-listen", "WORKER_METRICS_LISTEN", "Prometheus /metrics address (-metrics-listen= turns it off)")
	fs.Bool(&cfg.RegisterSearchAttributes, "register-search-attributes", "WORKER_REGISTER_SEARCH_ATTRIBUTES", "add the journey search attributes to the namespace")
	// TLS only: the worker serves no API that takes tokens (no -oidc-* flags, no rate limits).
	cfg.Security.TLS.RegisterFlags(fs, "WORKER")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	return cfg, tel, fs.Check(cfg.Validate(), tel.Validate())
}

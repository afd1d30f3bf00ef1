// Command coordinator serves the coordinator API: gRPC (CoordinatorService), REST/JSON with its
// OpenAPI document at /openapi.json, and /metrics. `coordinator -h` lists the flags and their
// environment variables.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/nhs-pathways/pathways/services/coordinator/server"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
	"github.com/nhs-pathways/pathways/services/platform/serve"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func main() { serve.Main("coordinator", run) }

func run(ctx context.Context, args []string) error {
	cfg, tel, err := loadConfig(args, os.Getenv, os.Stdout)
	if err != nil {
		return err
	}
	return serve.Run(ctx, tel, func(ctx context.Context) error {
		s, err := server.Start(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		slog.InfoContext(ctx, "coordinator serving", "grpc", s.Addr(), "http", s.HTTPAddr(), "metrics", s.MetricsAddr())
		return serve.Wait(ctx, s.Done())
	})
}

// loadConfig reads the flags over the COORDINATOR_* (and telemetry) variables over the defaults.
func loadConfig(args []string, getenv func(string) string, out io.Writer) (server.Config, telemetry.Config, error) {
	cfg := server.DefaultConfig()
	cfg.MetricsListen = server.DefaultMetricsListen
	tel := telemetry.Config{ServiceName: "coordinator"}
	fs := config.New("coordinator", getenv, out)
	fs.Summary("coordinator serves the coordinator API: gRPC, REST/JSON with /openapi.json, and /metrics.")
	fs.String(&cfg.Listen, "listen", "COORDINATOR_LISTEN", "gRPC address")
	fs.String(&cfg.HTTPListen, "http-listen", "COORDINATOR_HTTP_LISTEN", "REST/JSON and OpenAPI address (-http-listen= turns it off)")
	fs.String(&cfg.MetricsListen, "metrics-listen", "COORDINATOR_METRICS_LISTEN", "Prometheus /metrics address (-metrics-listen= turns it off)")
	cfg.Temporal.RegisterFlags(fs)
	fs.String(&cfg.EventStoreURL, "eventstore-url", "COORDINATOR_EVENTSTORE_URL", "event store connection string: esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://, with its credentials and TLS settings")
	fs.String(&cfg.GovernanceAddr, "governance-addr", "COORDINATOR_GOVERNANCE_ADDR", "governance gRPC host:port")
	fs.String(&cfg.Actor, "actor", "COORDINATOR_ACTOR", "x-actor this service uses towards governance")
	fs.String(&cfg.VaultPath, "patient-vault", "COORDINATOR_PATIENT_VAULT", "the patient key vault: a SQLite file, or a postgres:// URL shared by every replica; each patient's data key, wrapped by the master key")
	fs.String(&cfg.MasterKeyFile, "master-key-file", "COORDINATOR_MASTER_KEY_FILE", "file holding the vault's master key (base64 of 32 bytes, mode 0600)")
	cfg.FingerprintKey = getenv("COORDINATOR_FINGERPRINT_KEY") // a secret: no flag, so it never shows in ps
	cfg.MasterKeyText = getenv("COORDINATOR_MASTER_KEY")       // likewise
	fs.Var((*payloadcrypt.Origins)(&cfg.CodecCORSOrigins), "codec-cors-origins", "COORDINATOR_CODEC_CORS_ORIGINS",
		"comma-separated web origins (the Temporal Web UI's, https://host:port) whose pages may call the codec server at /codec")
	fs.Var(&cfg.RecordsRetention, "records-retention", "COORDINATOR_RECORDS_RETENTION",
		"delete a journey's event stream this long after it closed or was cancelled, as 8y, 90d or 36h (NHS Records Management Code 2021: 8 years for adult records)")
	fs.Duration(&cfg.RetentionSweepInterval, "retention-sweep-interval", "COORDINATOR_RETENTION_SWEEP_INTERVAL",
		"look for journeys past -records-retention at start and then this often (0: never)")
	cfg.Security.RegisterFlags(fs, "COORDINATOR")
	cfg.HTTP.Register(fs, "COORDINATOR")
	tel.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, tel, err
	}
	// A development coordinator (-insecure) makes its master key at first start; a production one
	// never does: a missing key must stop it, not start an empty vault no backup can open.
	cfg.CreateMasterKey = cfg.Security.TLS.Insecure
	return cfg, tel, fs.Check(cfg.Validate(), tel.Validate())
}

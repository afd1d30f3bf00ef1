package server

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/adapters"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/app"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/retention"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// devFingerprintKey keys referral fingerprints when Config.FingerprintKey is empty.
const devFingerprintKey = "pathways-development-only-key"

// NewApp wires the application: it returns the app, the access audit trail (in the event
// store) and a cleanup closing what it opened.
func NewApp(ctx context.Context, cfg Config) (*app.App, *app.Audit, func(), error) {
	var closers []func()
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	tc, dc, err := temporalClient(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	if cfg.TemporalClient == nil {
		closers = append(closers, tc.Close)
	}
	j, err := events.Open(ctx, cfg.EventStoreURL)
	if err != nil {
		cleanup()
		return nil, nil, nil, fmt.Errorf("coordinator: %w", err)
	}
	closers = append(closers, func() { _ = j.Close() })
	govCreds, err := cfg.Security.Dial(tlsconf.Client{})
	if err != nil {
		cleanup()
		return nil, nil, nil, fmt.Errorf("coordinator: governance client: %w", err)
	}
	gc, err := grpc.NewClient(cfg.GovernanceAddr, govCreds, grpc.WithStatsHandler(telemetry.GRPCClientHandler()))
	if err != nil {
		cleanup()
		return nil, nil, nil, fmt.Errorf("coordinator: governance client: %w", err)
	}
	closers = append(closers, func() { _ = gc.Close() })
	key := cfg.FingerprintKey
	if key == "" {
		key = devFingerprintKey
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	vault, closeVault, err := openVault(ctx, cfg)
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	closers = append(closers, closeVault)
	stopSweeper, err := startRetention(ctx, cfg, j, now)
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	closers = append(closers, stopSweeper)
	a := app.New(adapters.Journeys{Client: tc, Converter: dc}, adapters.Timeline{Journal: j, Patients: vault},
		&adapters.Governance{Client: governancev1.NewGovernanceServiceClient(gc), Actor: cfg.Actor}, vault, []byte(key), now)
	return a, app.NewAudit(adapters.AccessTrail{Journal: j}, now), cleanup, nil
}

// temporalClient returns the configured client, or dials one with the options of every client of
// journeys (journey.ClientOptions: tracing, SDK logs and metrics on the global providers, payload
// encryption) and otelgrpc on its connection; and the data converter that reads its payloads
// (nil, the SDK's default, for a configured client).
func temporalClient(cfg Config) (client.Client, converter.DataConverter, error) {
	if cfg.TemporalClient != nil {
		return cfg.TemporalClient, nil, nil
	}
	opts, err := cfg.Temporal.ClientOptions(journey.Telemetry{})
	if err != nil {
		return nil, nil, fmt.Errorf("coordinator: %w", err)
	}
	opts.ConnectionOptions.DialOptions = append(opts.ConnectionOptions.DialOptions, grpc.WithStatsHandler(telemetry.GRPCClientHandler()))
	c, err := client.NewLazyClient(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("coordinator: temporal client for %s: %w", cfg.Temporal.Address, err)
	}
	return c, opts.DataConverter, nil
}

// startRetention runs the records-retention sweeper in the background (first sweep at once):
// it deletes the event streams of journeys that ended more than cfg.RecordsRetention ago. The
// returned function stops it and waits for it; with no interval it does nothing.
func startRetention(ctx context.Context, cfg Config, j *events.Journal, now func() time.Time) (func(), error) {
	if cfg.RetentionSweepInterval <= 0 {
		return func() {}, nil
	}
	s, err := retention.New(j, retention.Config{Retention: cfg.RecordsRetention, Interval: cfg.RetentionSweepInterval, Now: now})
	if err != nil {
		return nil, fmt.Errorf("coordinator: %w", err)
	}
	return s.Start(context.WithoutCancel(ctx)), nil
}

// openVault returns the configured vault, or opens VaultPath (a SQLite file, or a PostgreSQL
// database every replica shares) under the master key.
func openVault(ctx context.Context, cfg Config) (*patientkeys.Vault, func(), error) {
	if cfg.Vault != nil {
		return cfg.Vault, func() {}, nil
	}
	master := cfg.MasterKey
	if master == nil && cfg.MasterKeyText != "" {
		m, err := patientkeys.MasterKeyFromText(cfg.MasterKeyText)
		if err != nil {
			return nil, nil, fmt.Errorf("coordinator: COORDINATOR_MASTER_KEY: %w", err)
		}
		master = m
	}
	if master == nil {
		m, err := patientkeys.LocalMasterKey(cfg.MasterKeyFile, cfg.CreateMasterKey)
		if err != nil {
			return nil, nil, fmt.Errorf("coordinator: master-key-file: %w", err)
		}
		master = m
	}
	v, err := patientkeys.Open(ctx, cfg.VaultPath, master)
	if err != nil {
		return nil, nil, fmt.Errorf("coordinator: patient-vault: %w", err)
	}
	return v, func() { _ = v.Close() }, nil
}

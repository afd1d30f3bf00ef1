// Package run is the devstack command: it loads the configuration, sets up OpenTelemetry once
// for every in-process service, starts the stack, prints the banner, loads the demo population
// when asked, and serves until the context ends, then stops every service in reverse order.
package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/devstack/internal/demo"
	"github.com/nhs-pathways/pathways/services/devstack/internal/stack"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// demoTimeout bounds loading the demo population.
const demoTimeout = 5 * time.Minute

// telemetryFlushWithin bounds flushing the spans and metrics still buffered at exit.
const telemetryFlushWithin = 5 * time.Second

// Run runs the devstack until ctx ends.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (err error) {
	cfg, err := stack.LoadConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	shutdown, err := telemetry.Setup(ctx, cfg.Telemetry())
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, shutdown.Within(ctx, telemetryFlushWithin)) }()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	if err := s.WriteBanner(stdout); err != nil {
		return err
	}
	if cfg.Demo {
		if err := LoadDemo(ctx, s, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "devstack is up; Ctrl-C stops every service")
	<-ctx.Done()
	fmt.Fprintln(stdout, "devstack: stopping")
	return nil
}

// traced gives the demo loader's calls client spans, so each demo request is a trace.
func traced() grpc.DialOption { return grpc.WithStatsHandler(telemetry.GRPCClientHandler()) }

// LoadDemo loads the synthetic population through the coordinator and reports it.
func LoadDemo(ctx context.Context, s *stack.Stack, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, demoTimeout)
	defer cancel()
	// The loader is a person's client: it trusts the local CA and calls with demo people's
	// tokens, presenting no certificate.
	creds, err := tlsconf.Client{CAFile: s.CAFile(), Insecure: s.CAFile() == ""}.DialOption()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	coord, err := grpc.NewClient(s.CoordinatorAddr, creds, traced())
	if err != nil {
		return fmt.Errorf("demo: coordinator client: %w", err)
	}
	defer func() { _ = coord.Close() }()
	gov, err := grpc.NewClient(s.GovernanceAddr, creds, traced())
	if err != nil {
		return fmt.Errorf("demo: governance client: %w", err)
	}
	defer func() { _ = gov.Close() }()
	fin, err := grpc.NewClient(s.FinanceAddr, creds, traced())
	if err != nil {
		return fmt.Errorf("demo: finance client: %w", err)
	}
	defer func() { _ = fin.Close() }()
	l := demo.Loader{Coordinator: coordinatorv1.NewCoordinatorServiceClient(coord),
		Governance: governancev1.NewGovernanceServiceClient(gov), Finance: financev1.NewFinanceServiceClient(fin)}
	if s.Provider() != nil {
		l.As = func(ctx context.Context, role, pcn string) (context.Context, error) {
			tok, err := s.TokenFor(ctx, demo.Person(role, pcn))
			if err != nil {
				return nil, fmt.Errorf("demo: token for %s: %w", role, err)
			}
			return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok), nil
		}
	}
	loaded, err := l.Load(ctx)
	if err != nil {
		return err
	}
	return demo.WriteSummary(out, loaded)
}

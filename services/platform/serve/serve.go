// Package serve is the block every pathways binary's main used to repeat: a context that ends on
// SIGINT or SIGTERM, OpenTelemetry set up and flushed on the way out, waiting for the signal or
// the service's own failure, and the exit status. For gRPC servers it registers the health service
// and server reflection and stops them gracefully within a deadline, reporting NOT_SERVING first;
// NewGRPC builds such a server with the caps of the limits package.
//
// A main stays thin:
//
//	func main() { serve.Main("governance", run) }
//
//	func run(ctx context.Context, args []string) error {
//		cfg, tel, err := load(args, os.Getenv, os.Stdout) // config.FlagSet: may be config.ErrHelp
//		if err != nil {
//			return err
//		}
//		return serve.Run(ctx, tel, func(ctx context.Context) error {
//			s, err := server.Start(ctx, cfg)
//			if err != nil {
//				return err
//			}
//			defer s.Close()
//			return serve.Wait(ctx, s.Done())
//		})
//	}
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

// TelemetryFlushWithin bounds flushing the spans and metrics still buffered at exit.
const TelemetryFlushWithin = 5 * time.Second

// Main runs run with the program's arguments (without its name) and a context that ends on
// SIGINT or SIGTERM, then exits: 0 when run returned nil or config.ErrHelp / config.ErrVersion
// (usage or version printed), 1 after logging any other error.
func Main(name string, run func(ctx context.Context, args []string) error) {
	os.Exit(Exit(name, run, os.Args[1:])) //nolint:forbidigo // Main is the one place a binary exits
}

// Exit is Main without the exit: it returns the status Main would exit with.
func Exit(name string, run func(ctx context.Context, args []string) error, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, args)
	switch {
	case err == nil, config.Done(err):
		return 0
	default:
		slog.Error(name+" stopped", "err", err)
		return 1
	}
}

// Run sets up OpenTelemetry as tel says (telemetry.Setup: the global tracer and meter providers,
// and the Prometheus reader /metrics serves), runs body, then flushes telemetry within
// TelemetryFlushWithin even though ctx has ended by then. body's error and the flush's are joined.
func Run(ctx context.Context, tel telemetry.Config, body func(ctx context.Context) error) (err error) {
	shutdown, err := telemetry.Setup(ctx, tel)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, shutdown.Within(ctx, TelemetryFlushWithin)) }()
	return body(ctx)
}

// Wait blocks until ctx ends (the signal: a normal stop, nil) or failed delivers the error of a
// server that stopped serving on its own.
func Wait(ctx context.Context, failed <-chan error) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-failed:
		return fmt.Errorf("serving stopped: %w", err)
	}
}

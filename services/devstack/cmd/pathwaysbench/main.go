// Command pathwaysbench measures journey transitions per second and their latency through the
// coordinator API on the devstack (started in-process on free ports), against bare Temporal
// Updates on the same server measured in the same run. See the Benchmark section of
// services/devstack/README.md.
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

	"github.com/nhs-pathways/pathways/services/devstack/internal/bench"
)

func main() {
	if err := runMain(); err != nil {
		fmt.Fprintln(os.Stderr, "pathwaysbench:", err)
		os.Exit(1)
	}
}

// runMain builds the signal-aware context and runs the benchmark; --help is not an error. Only
// warnings and errors of the services are logged, so the figures stay readable.
func runMain() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	cfg, err := bench.LoadConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Printf("pathwaysbench %v\n", os.Args[1:])
	_, err = bench.Run(ctx, cfg, os.Stdout)
	return err
}

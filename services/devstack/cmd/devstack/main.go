// Command devstack runs the whole pathways system in one process on loopback: an embedded
// Temporal server (SQLite file) with its Web UI, the event store, governance, finance, the journey
// worker and the coordinator API. --demo loads a synthetic population. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/nhs-pathways/pathways/services/devstack/internal/run"
)

func main() {
	if err := runMain(); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

// runMain builds the signal-aware context and runs the stack; --help is not an error. Its
// deferred stop runs before main decides the exit status.
func runMain() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run.Run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// Command clientsuite runs the official Go clients' own test suites
// (KurrentDB-Client-Go, EventStore-Client-Go v4) against this event store
// and fails when a test fails that its expected-failures list does not
// name, or a listed test passes. See services/eventstore/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/clientsuite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientsuite:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clientsuite", flag.ContinueOnError)
	var names []string
	for _, s := range clientsuite.Suites() {
		names = append(names, s.Name)
	}
	only := fs.String("suite", strings.Join(names, ","), "comma-separated suites to run")
	runPattern := fs.String("run", "", "go test -run pattern inside each suite (default: every test)")
	timeout := fs.Duration("timeout", 4*time.Minute, "go test -timeout of each suite")
	workDir := fs.String("work-dir", "", "scratch directory, kept afterwards (default: a temporary one, removed)")
	verbose := fs.Bool("v", false, "print go test's own output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	wanted := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		wanted[strings.TrimSpace(n)] = true
	}
	var failed []string
	for _, s := range clientsuite.Suites() {
		if !wanted[s.Name] {
			continue
		}
		delete(wanted, s.Name)
		opts := clientsuite.Options{Timeout: *timeout, Run: *runPattern, Verbose: *verbose, Out: os.Stdout}
		if *workDir != "" {
			opts.WorkDir = *workDir + "/" + s.Name
			if err := os.MkdirAll(opts.WorkDir, 0o750); err != nil {
				return fmt.Errorf("work directory: %w", err)
			}
		}
		v, err := clientsuite.Run(ctx, s, opts)
		if err != nil {
			return fmt.Errorf("suite %s: %w", s.Name, err)
		}
		if !v.OK() {
			failed = append(failed, s.Name)
		}
	}
	for n := range wanted {
		return fmt.Errorf("no suite %q (have %s)", n, strings.Join(names, ", "))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", clientsuite.ErrUnexpected, strings.Join(failed, ", "))
	}
	return nil
}

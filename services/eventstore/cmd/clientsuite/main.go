// Command clientsuite runs the official Go clients' own test suites
// (KurrentDB-Client-Go, EventStore-Client-Go v4) against this event store
// and fails when a test fails that its expected-failures list does not
// name, or a listed test passes. See services/eventstore/README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/clientsuite"
	"github.com/nhs-pathways/pathways/services/platform/config"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

func main() { serve.Main("clientsuite", run) }

func run(ctx context.Context, args []string) error {
	var names []string
	for _, s := range clientsuite.Suites() {
		names = append(names, s.Name)
	}
	var (
		only       = strings.Join(names, ",")
		runPattern string
		timeout    = 4 * time.Minute
		workDir    string
		verbose    bool
	)
	fs := config.New("clientsuite", os.Getenv, os.Stdout)
	fs.Summary("clientsuite runs the official Go clients' own test suites against this event store.")
	fs.String(&only, "suite", "", "comma-separated suites to run")
	fs.String(&runPattern, "run", "", "go test -run pattern inside each suite (default: every test)")
	fs.Duration(&timeout, "timeout", "", "go test -timeout of each suite")
	fs.String(&workDir, "work-dir", "", "scratch directory, kept afterwards (default: a temporary one, removed)")
	fs.Bool(&verbose, "v", "", "print go test's own output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.Check(); err != nil {
		return err
	}
	wanted := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		wanted[strings.TrimSpace(n)] = true
	}
	var failed []string
	for _, s := range clientsuite.Suites() {
		if !wanted[s.Name] {
			continue
		}
		delete(wanted, s.Name)
		opts := clientsuite.Options{Timeout: timeout, Run: runPattern, Verbose: verbose, Out: os.Stdout}
		if workDir != "" {
			opts.WorkDir = workDir + "/" + s.Name
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

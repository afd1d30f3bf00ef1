// Package e2e holds the end-to-end tests of pathways: each test binary builds the devstack once,
// runs it as a child process on a temporary data directory with ports of its own, and talks to
// it over the public APIs only (coordinator REST and gRPC, finance and dashboard gRPC, the
// dashboard page in headless Chromium).
package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// devstackBin is the devstack binary TestMain built (empty in -short mode).
var devstackBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: -short given; the end-to-end tests skip (CI runs them in full)") //nolint:forbidigo // TestMain reports to the test log
		os.Exit(m.Run())                                                                   //nolint:forbidigo // TestMain must exit with the tests' code
	}
	bin, err := buildDevstack()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1) //nolint:forbidigo // TestMain must exit with the tests' code
	}
	devstackBin = bin
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: shared devstack:", err)
		code = 1
	}
	os.Exit(code) //nolint:forbidigo // TestMain must exit with the tests' code
}

// buildDevstack builds services/devstack/cmd/devstack into e2e/tmp/devstack.
func buildDevstack() (string, error) {
	e2eDir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	bin := filepath.Join(e2eDir, "tmp", "devstack")
	cmd := exec.CommandContext(context.Background(), "go", "build", "-o", bin, "./cmd/devstack")
	cmd.Dir = filepath.Join(e2eDir, "..", "services", "devstack")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build the devstack in %s: %w", cmd.Dir, err)
	}
	return bin, nil
}

// requireFull skips the test in -short mode.
func requireFull(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: starts the whole devstack; skipped with -short")
	}
}

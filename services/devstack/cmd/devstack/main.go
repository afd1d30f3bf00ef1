// Command devstack runs the whole pathways system in one process on loopback: an embedded
// Temporal server (SQLite file) with its Web UI, the event store, governance, finance, the journey
// worker and the coordinator API. --demo loads a synthetic population. `devstack -h` lists the
// flags and their environment variables. See README.md.
package main

import (
	"context"
	"os"

	"github.com/nhs-pathways/pathways/services/devstack/internal/run"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

func main() {
	serve.Main("devstack", func(ctx context.Context, args []string) error {
		return run.Run(ctx, args, os.Getenv, os.Stdout)
	})
}

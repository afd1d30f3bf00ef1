// Command pathwaysbench measures journey transitions per second and their latency through the
// coordinator API on the devstack (started in-process on free ports), against bare Temporal
// Updates on the same server measured in the same run. See the Benchmark section of
// services/devstack/README.md. `pathwaysbench -h` lists the flags.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nhs-pathways/pathways/services/devstack/internal/bench"
	"github.com/nhs-pathways/pathways/services/platform/serve"
)

func main() { serve.Main("pathwaysbench", run) }

// run loads the flags and runs the benchmark. Only warnings and errors of the services are logged
// (-log-level defaults to warn here), so the figures stay readable.
func run(ctx context.Context, args []string) error {
	cfg, err := bench.LoadConfig(args, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Printf("pathwaysbench %v\n", args)
	_, err = bench.Run(ctx, cfg, os.Stdout)
	return err
}

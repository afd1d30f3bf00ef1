// Command pathwayctl is the command-line client of the pathways coordinator and governance APIs:
// submit referrals, list worklists, show and advance journeys, and manage pathway versions.
// `pathwayctl -h` lists the commands; exit codes are listed in the coordinator README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Command pathwayctl is the command-line client of the pathways coordinator and governance APIs:
// sign in (login, keeping an OpenID Connect token in the user's configuration directory), submit
// referrals, list worklists, show and advance journeys, and manage pathway versions.
// `pathwayctl -h` lists the commands (exit 0), `pathwayctl -version` prints the build's version
// and VCS revision; exit codes are listed in the coordinator README.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
	"github.com/nhs-pathways/pathways/services/platform/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is pathwayctl with its exit code: -version (as the only global flag, before any command)
// is answered here, everything else by cli.RunWithStdin (standard input for login
// -password-stdin).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-version" || args[0] == "--version") {
		fmt.Fprintln(stdout, config.Version("pathwayctl"))
		return cli.ExitOK
	}
	return cli.RunWithStdin(ctx, args, os.Stdin, stdout, stderr, os.Getenv)
}

package prodshape

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
)

// Commands are the packages of the binaries the shape runs (the ones deploy/docker's
// Dockerfile builds, and the Temporal server), by binary name.
var Commands = map[string]string{
	"eventstore":  "./services/eventstore/cmd/eventstore",
	"coordinator": "./services/coordinator/cmd/coordinator",
	"worker":      "./services/worker/cmd/worker",
	"governance":  "./services/governance/cmd/governance",
	"finance":     "./services/finance/cmd/finance",
	"dashboard":   "./services/dashboard/cmd/dashboard",
	"temporal":    "./services/devstack/cmd/temporal",
}

// Build builds the named commands of Commands (every one when names is empty) into dir with
// one go build in the repository root, and returns the binaries by name.
func Build(ctx context.Context, root, dir string, names ...string) (map[string]string, error) {
	args := []string{"build", "-o", dir + string(os.PathSeparator)}
	bins := map[string]string{}
	for name, pkg := range Commands {
		if len(names) > 0 && !slices.Contains(names, name) {
			continue
		}
		args = append(args, pkg)
		bins[name] = filepath.Join(dir, name)
	}
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // go build of this repository's own packages
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build the production shape's binaries: %w\n%s", err, out)
	}
	return bins, nil
}

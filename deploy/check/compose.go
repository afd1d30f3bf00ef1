package check

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// LoadCompose loads a Compose file as `docker compose` does (schema validation, ${VAR}
// interpolation from env, anchors and merge keys, normalisation), without a Docker engine.
func LoadCompose(ctx context.Context, path string, env map[string]string) (*types.Project, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("compose file %s: %w", path, err)
	}
	details := types.ConfigDetails{
		WorkingDir:  filepath.Dir(abs),
		ConfigFiles: []types.ConfigFile{{Filename: abs}},
		Environment: env,
	}
	p, err := loader.LoadWithContext(ctx, details, func(o *loader.Options) {
		o.SetProjectName("pathways", true)
	})
	if err != nil {
		return nil, fmt.Errorf("compose file %s: %w", path, err)
	}
	return p, nil
}

// PathwaysServices checks the named services of a loaded project: each is there, runs
// `replicas` replicas with a read-only root filesystem as a numeric non-root user with every
// capability dropped, has a healthcheck that is not disabled, resource limits, and is built
// from deploy/docker/Dockerfile's target of its own name.
func PathwaysServices(p *types.Project, replicas int, names ...string) error {
	var errs []error
	for _, name := range names {
		svc, ok := p.Services[name]
		if !ok {
			errs = append(errs, fmt.Errorf("service %q: missing", name))
			continue
		}
		errs = append(errs, composeService(svc, replicas))
	}
	return errors.Join(errs...)
}

func composeService(svc types.ServiceConfig, replicas int) error {
	var errs []error
	fail := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("service %q: "+format, append([]any{svc.Name}, a...)...))
	}
	if svc.Deploy == nil || svc.Deploy.Replicas == nil || *svc.Deploy.Replicas != replicas {
		fail("deploy.replicas must be %d", replicas)
	}
	if svc.Deploy == nil || svc.Deploy.Resources.Limits == nil || svc.Deploy.Resources.Limits.MemoryBytes == 0 ||
		svc.Deploy.Resources.Limits.NanoCPUs == 0 {
		fail("deploy.resources.limits must set cpus and memory")
	}
	if !svc.ReadOnly {
		fail("read_only must be true")
	}
	if err := nonRootUser(svc.User); err != nil {
		fail("user: %w", err)
	}
	if !slices.ContainsFunc(svc.CapDrop, func(c string) bool { return strings.EqualFold(c, "ALL") }) {
		fail("cap_drop must include ALL")
	}
	switch hc := svc.HealthCheck; {
	case hc == nil || len(hc.Test) == 0:
		fail("no healthcheck")
	case hc.Disable || hc.Test[0] == "NONE":
		fail("healthcheck disabled")
	}
	if svc.Build == nil || svc.Build.Target != svc.Name || filepath.ToSlash(svc.Build.Dockerfile) != "deploy/docker/Dockerfile" {
		fail("build must be deploy/docker/Dockerfile, target %q", svc.Name)
	}
	return errors.Join(errs...)
}

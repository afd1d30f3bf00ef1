package check

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Image is one final stage of a Dockerfile: a target no other stage builds on or copies from.
type Image struct {
	Target      string
	User        string
	Healthcheck []string // HEALTHCHECK's test: ["CMD", ...], ["CMD-SHELL", ...] or ["NONE"]
	Entrypoint  []string
	Exposed     []string
	Env         map[string]string
	Volumes     []string
}

// staticBases are the bases a final image may have: no shell, no package manager, no libc.
var staticBases = []string{"scratch", "gcr.io/distroless/static", "gcr.io/distroless/static-debian12", "gcr.io/distroless/static-debian13", "cgr.dev/chainguard/static"}

// Dockerfile parses a Dockerfile with BuildKit's parser and returns its images (final stages)
// and every rule an image or the build breaks: each image runs as a numeric non-root uid:gid,
// has a HEALTHCHECK (HEALTHCHECK NONE only for the targets in noServer: command-line tools),
// an ENTRYPOINT and a static base; every `go build` runs with CGO_ENABLED=0 and -trimpath.
func Dockerfile(r io.Reader, noServer ...string) ([]Image, error) {
	res, err := parser.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, fmt.Errorf("instructions: %w", err)
	}
	args := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				args[kv.Key] = *kv.Value
			}
		}
	}
	used := map[string]bool{}
	for _, s := range stages {
		used[strings.ToLower(os.Expand(s.BaseName, func(k string) string { return args[k] }))] = true
		for _, c := range s.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				used[strings.ToLower(cp.From)] = true
			}
		}
	}
	var images []Image
	var errs []error
	for i, s := range stages {
		errs = append(errs, checkBuild(s))
		if used[strings.ToLower(s.Name)] || used[strconv.Itoa(i)] {
			continue
		}
		img := image(s)
		images = append(images, img)
		errs = append(errs, img.check(slices.Contains(noServer, img.Target)),
			checkBase(stages, i, func(k string) string { return args[k] }))
	}
	return images, errors.Join(errs...)
}

func image(s instructions.Stage) Image {
	img := Image{Target: s.Name, Env: map[string]string{}}
	for _, c := range s.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			img.User = c.User
		case *instructions.HealthCheckCommand:
			img.Healthcheck = c.Health.Test
		case *instructions.EntrypointCommand:
			img.Entrypoint = c.CmdLine
		case *instructions.ExposeCommand:
			img.Exposed = append(img.Exposed, c.Ports...)
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				img.Env[kv.Key] = kv.Value
			}
		case *instructions.VolumeCommand:
			img.Volumes = append(img.Volumes, c.Volumes...)
		}
	}
	return img
}

func (img Image) check(noServer bool) error {
	var errs []error
	fail := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("stage %q: "+format, append([]any{img.Target}, a...)...))
	}
	if img.Target == "" {
		fail("a final stage needs a name (FROM ... AS <target>)")
	}
	if err := nonRootUser(img.User); err != nil {
		fail("%w", err)
	}
	switch {
	case len(img.Healthcheck) == 0:
		fail("no HEALTHCHECK")
	case img.Healthcheck[0] == "NONE" && !noServer:
		fail("HEALTHCHECK NONE on a server image")
	}
	if len(img.Entrypoint) == 0 {
		fail("no ENTRYPOINT")
	}
	return errors.Join(errs...)
}

// nonRootUser accepts only a numeric uid:gid with uid and gid not 0: Kubernetes' runAsNonRoot
// cannot verify a user name, and a name may map to root.
func nonRootUser(user string) error {
	if user == "" {
		return errors.New("no USER: the image would run as root")
	}
	uid, gid, ok := strings.Cut(user, ":")
	u, err := strconv.Atoi(uid)
	g, gerr := strconv.Atoi(gid)
	if !ok || err != nil || gerr != nil {
		return fmt.Errorf("USER %q: must be a numeric uid:gid", user)
	}
	if u == 0 || g == 0 {
		return fmt.Errorf("USER %q: must not be root (uid or gid 0)", user)
	}
	return nil
}

// checkBase follows FROM through the file's stages to an image and requires a static base.
func checkBase(stages []instructions.Stage, i int, arg func(string) string) error {
	target, seen := stages[i].Name, map[int]bool{}
	for !seen[i] {
		seen[i] = true
		base := strings.ToLower(os.Expand(stages[i].BaseName, arg))
		j := slices.IndexFunc(stages, func(s instructions.Stage) bool { return strings.EqualFold(s.Name, base) })
		if j >= 0 {
			i = j
			continue
		}
		name, _, _ := strings.Cut(strings.SplitN(base, "@", 2)[0], ":")
		if slices.Contains(staticBases, name) {
			return nil
		}
		return fmt.Errorf("stage %q: base image %q is not scratch or a distroless/static image", target, base)
	}
	return fmt.Errorf("stage %q: FROM loops", target)
}

// checkBuild requires every RUN of `go build` to build static, reproducible binaries.
func checkBuild(s instructions.Stage) error {
	env := map[string]string{}
	var errs []error
	for _, c := range s.Commands {
		switch c := c.(type) {
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				env[kv.Key] = kv.Value
			}
		case *instructions.RunCommand:
			line := strings.Join(c.CmdLine, " ")
			if !strings.Contains(line, "go build") {
				continue
			}
			if env["CGO_ENABLED"] != "0" && !strings.Contains(line, "CGO_ENABLED=0") {
				errs = append(errs, fmt.Errorf("stage %q: go build without CGO_ENABLED=0 (a static binary)", s.Name))
			}
			if !strings.Contains(env["GOFLAGS"], "-trimpath") && !strings.Contains(line, "-trimpath") {
				errs = append(errs, fmt.Errorf("stage %q: go build without -trimpath", s.Name))
			}
		}
	}
	return errors.Join(errs...)
}

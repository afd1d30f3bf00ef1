package check_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/deploy/check"
)

const dockerfile = "../docker/Dockerfile"

// notImages are the commands under services/*/cmd that ship no image: the one-process
// development stack and the benchmarks and conformance client.
// services/devstack/cmd/temporal is the devstack's Temporal server for tests of the production
// shape on one machine: production runs Temporal's own images (deploy/compose, the Temporal chart).
var notImages = []string{"devstack", "temporal", "pathwaysbench", "esbench", "financebench", "dashbench", "clientsuite"}

func readDockerfile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(dockerfile)
	require.NoError(t, err)
	return string(b)
}

func TestDockerfileBuildsEveryBinaryAsAHardenedImage(t *testing.T) {
	images, err := check.Dockerfile(strings.NewReader(readDockerfile(t)), "pathwayctl")
	require.NoError(t, err)

	cmds, err := filepath.Glob("../../services/*/cmd/*")
	require.NoError(t, err)
	var want []string
	for _, c := range cmds {
		if name := filepath.Base(c); !slices.Contains(notImages, name) {
			want = append(want, name)
		}
	}
	require.NotEmpty(t, want)
	var got []string
	for _, img := range images {
		got = append(got, img.Target)
		require.Equal(t, []string{"/usr/local/bin/" + img.Target}, img.Entrypoint, img.Target)
		require.Equal(t, "65532:65532", img.User, img.Target)
		if img.Target == "pathwayctl" {
			continue
		}
		// The probe dials a port the image exposes and takes the service's own TLS settings.
		probe := strings.Join(img.Healthcheck, " ")
		require.Regexp(t, `^CMD /usr/local/bin/healthprobe -addr 127\.0\.0\.1:\d+ `, probe, img.Target)
		port := regexp.MustCompile(`127\.0\.0\.1:(\d+)`).FindStringSubmatch(probe)[1]
		require.Contains(t, img.Exposed, port, img.Target)
		require.Contains(t, probe, "-env-prefix "+strings.ToUpper(img.Target), img.Target)
	}
	sort.Strings(got)
	sort.Strings(want)
	require.Equal(t, want, got, "one image target per binary under services/*/cmd (add new non-images to notImages)")
}

// TestDockerfileRulesCatchEachDefect breaks a copy of the Dockerfile one way at a time.
func TestDockerfileRulesCatchEachDefect(t *testing.T) {
	orig := readDockerfile(t)
	coordinator := func(edit func(stage string) string) string {
		start := strings.Index(orig, "FROM runtime AS coordinator")
		end := start + strings.Index(orig[start+1:], "\nFROM ") + 1
		return orig[:start] + edit(orig[start:end]) + orig[end:]
	}
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			require.Contains(t, s, old)
			return strings.ReplaceAll(s, old, new)
		}
	}
	probeLine := regexp.MustCompile(`(?s)HEALTHCHECK.*?"COORDINATOR"\]\n`)
	regex := func(re *regexp.Regexp, new string) func(string) string {
		return func(s string) string {
			require.Regexp(t, re, s)
			return re.ReplaceAllLiteralString(s, new)
		}
	}
	noUserAnywhere := strings.ReplaceAll(orig, "USER 65532:65532\n", "")
	cases := map[string]struct {
		file string
		want string
	}{
		"no USER":             {noUserAnywhere, `stage "coordinator": no USER`},
		"root USER":           {coordinator(replace("USER 65532:65532", "USER 0:0")), `stage "coordinator": USER "0:0": must not be root`},
		"named USER":          {coordinator(replace("USER 65532:65532", "USER nonroot")), `USER "nonroot": must be a numeric uid:gid`},
		"no HEALTHCHECK":      {coordinator(regex(probeLine, "")), `stage "coordinator": no HEALTHCHECK`},
		"HEALTHCHECK NONE":    {coordinator(regex(probeLine, "HEALTHCHECK NONE\n")), `stage "coordinator": HEALTHCHECK NONE on a server image`},
		"no ENTRYPOINT":       {coordinator(replace(`ENTRYPOINT ["/usr/local/bin/coordinator"]`, "")), `stage "coordinator": no ENTRYPOINT`},
		"toolchain base":      {coordinator(replace("FROM runtime AS coordinator", "FROM build AS coordinator")), `stage "coordinator": base image "golang:1.26.8-bookworm" is not scratch or a distroless/static image`},
		"debian runtime base": {strings.Replace(orig, "gcr.io/distroless/static-debian12:nonroot", "debian:bookworm-slim", 1), `base image "debian:bookworm-slim"`},
		"cgo":                 {strings.Replace(orig, "ENV CGO_ENABLED=0 ", "ENV CGO_ENABLED=1 ", 1), `stage "build": go build without CGO_ENABLED=0`},
		"no -trimpath":        {strings.Replace(orig, "GOFLAGS=-trimpath", "GOFLAGS=", 1), `stage "build": go build without -trimpath`},
		"does not parse":      {strings.Replace(orig, "FROM runtime AS coordinator", "FROM runtime AS", 1), "instructions:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, orig, c.file, "the defect was not introduced")
			_, err := check.Dockerfile(strings.NewReader(c.file), "pathwayctl")
			require.ErrorContains(t, err, c.want)
		})
	}
}

package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pathwayctlUser runs the pathwayctl binary as one person of a devstack: their own
// configuration directory (where `pathwayctl login` keeps the token), the devstack's CA, issuer
// and addresses, as README's walkthrough sets them.
type pathwayctlUser struct {
	t   *testing.T
	bin string
	env []string
}

func (d *devstack) pathwayctl(t *testing.T, bin string) pathwayctlUser {
	env := append(os.Environ(), "PATHWAYS_CONFIG_DIR="+t.TempDir(), "PATHWAYS_CA_FILE="+d.caFile(),
		"PATHWAYS_OIDC_ISSUER="+d.issuer(), "PATHWAYCTL_COORDINATOR="+d.addr.coordinator, "PATHWAYCTL_GOVERNANCE="+d.addr.governance)
	return pathwayctlUser{t: t, bin: bin, env: env}
}

// run runs one command with stdin and returns its exit code and output.
func (u pathwayctlUser) run(stdin string, args ...string) (int, string) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, u.bin, args...)
	cmd.Env, cmd.Stdin = u.env, strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(u.t, err)
	}
	return code, out.String()
}

// ok runs a command that must succeed.
func (u pathwayctlUser) ok(args ...string) string {
	u.t.Helper()
	code, out := u.run("", args...)
	require.Equal(u.t, 0, code, "pathwayctl %s:\n%s", strings.Join(args, " "), out)
	return out
}

// TestREADMEWalkthroughWithPathwayctlLogin follows README's walkthrough as a new user would: a
// pathwayctl built from the repository signs in against the devstack's provider (the password
// flow the dev provider offers scripts), keeps the token in its configuration directory (0600),
// and drives an MSK referral from submission to discharge over TLS. A coordinator of another
// PCN is told the journey does not exist, and without signing in nothing is allowed.
func TestREADMEWalkthroughWithPathwayctlLogin(t *testing.T) {
	t.Parallel()
	d := sharedStack(t)
	bin := filepath.Join(t.TempDir(), "pathwayctl")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./services/coordinator/cmd/pathwayctl")
	build.Dir = ".."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	stranger := d.pathwayctl(t, bin)
	code, msg := stranger.run("", "show", "ref-NOBODY")
	require.Equal(t, 6, code, "not signed in: %s", msg)
	require.Contains(t, msg, "pathwayctl login")

	coord := d.pathwayctl(t, bin)
	code, msg = coord.run("demo\n", "login", "-username", coordinatorPerson, "-password-stdin")
	require.Equal(t, 0, code, msg)
	info, err := os.Stat(filepath.Join(strings.TrimPrefix(coord.env[len(coord.env)-5], "PATHWAYS_CONFIG_DIR="), "credentials.json"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the token is kept 0600")
	require.Contains(t, coord.ok("whoami"), "U90001")

	ref := "E2E-CTL-" + uniqueSuffix()
	id := "ref-" + ref
	T1, T2 := time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)
	coord.ok("submit", "-referral-id", ref, "-pathway", "msk", "-nhs-number", testNHSNumber(), "-practice", testPractice,
		"-pcn", testPCN, "-segment", "LTC", "-source", "GP", "-reason", "knee pain for 8 weeks")
	awaitJourney(t, d, d.coordinator(t), id)
	coord.ok("triage", id, "-disposition", "cats", "-measure", "msk-hq=30", "-measure", "eq5d5l-index=0.61", "-measure", "eq-vas=60")
	require.Contains(t, coord.ok("schedule", id, "-intervention", "cats-assessment", "-at", T1), "iv-1")
	coord.ok("start", id, "-intervention-id", "iv-1")
	coord.ok("complete", id, "-intervention-id", "iv-1")
	require.Contains(t, coord.ok("schedule", id, "-intervention", "msk-injection", "-at", T2), "iv-2")
	coord.ok("complete", id, "-intervention-id", "iv-2")
	coord.ok("outcome", id, "-point", "discharge", "-measure", "msk-hq=44", "-measure", "eq5d5l-index=0.82", "-measure", "eq-vas=80")
	coord.ok("discharge", id, "-reason", "treatment-complete", "-note", "home exercise plan agreed")
	require.Contains(t, coord.ok("show", id), "discharged")

	other := d.pathwayctl(t, bin)
	code, msg = other.run("demo\n", "login", "-username", "coord-u90002", "-password-stdin")
	require.Equal(t, 0, code, msg)
	code, msg = other.run("", "show", id)
	require.Equal(t, 4, code, "another PCN's journey is not found: %s", msg)
}

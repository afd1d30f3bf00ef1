package patientkeys_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

const childDirEnv = "PATIENTKEYS_CHILD_DIR"

// processNumbers are the numbers every child process asks for at once.
var processNumbers = nhsnumber.TestNumbers(8)

// TestPatientRefChild opens the vault in the directory named by the parent and writes, for
// each number (by its index, never the number), the reference it got.
func TestPatientRefChild(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("run by TestPatientRefAcrossProcesses as a child process")
	}
	master, err := patientkeys.LocalMasterKey(filepath.Join(dir, "master.key"), true)
	require.NoError(t, err)
	v, err := patientkeys.Open(t.Context(), filepath.Join(dir, "vault.db"), master)
	require.NoError(t, err)
	defer func() { require.NoError(t, v.Close()) }()
	for i, n := range processNumbers {
		ref, err := v.PatientRef(t.Context(), n)
		require.NoError(t, err)
		_, err = fmt.Fprintf(os.Stdout, "ref %d %s\n", i, ref)
		require.NoError(t, err)
	}
}

// TestPatientRefAcrossProcesses starts several processes on one new vault (none exists yet, so
// they also race to create the master key and the index key) asking for the same numbers at
// once: each number gets one reference in all of them.
func TestPatientRefAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	const processes = 4
	outs := make([]string, processes)
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for p := range processes {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestPatientRefChild$", "-test.count=1", "-test.v") //nolint:gosec // the test binary itself
			cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
			out, err := cmd.CombinedOutput()
			outs[p], errs[p] = string(out), err
		})
	}
	wg.Wait()
	var first map[string]string
	for p := range processes {
		require.NoError(t, errs[p], "child %d:\n%s", p, outs[p])
		refs := map[string]string{}
		for line := range strings.Lines(outs[p]) {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "ref" {
				refs[f[1]] = f[2]
			}
		}
		require.Len(t, refs, len(processNumbers), "child %d:\n%s", p, outs[p])
		if first == nil {
			first = refs
		}
		require.Equal(t, first, refs, "child %d got other references", p)
	}
}

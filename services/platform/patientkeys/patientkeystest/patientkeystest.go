// Package patientkeystest gives tests a patient key vault of their own: a new local master key
// and a SQLite store in the test's temporary directory, closed when the test ends.
package patientkeystest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
)

// Master returns a new random local master key, kept in a file in t's temporary directory.
func Master(t testing.TB) patientkeys.MasterKey {
	t.Helper()
	m, err := patientkeys.LocalMasterKey(filepath.Join(t.TempDir(), "master.key"), true)
	if err != nil {
		t.Fatalf("patientkeystest: master key: %v", err)
	}
	return m
}

// Open returns a new vault with a new master key in t's temporary directory, closed at the
// end of the test.
func Open(t testing.TB) *patientkeys.Vault {
	t.Helper()
	v, err := patientkeys.Open(t.Context(), filepath.Join(t.TempDir(), "vault.db"), Master(t))
	if err != nil {
		t.Fatalf("patientkeystest: open vault: %v", err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// Main runs a package's tests (from its TestMain) with one vault they share, in a temporary
// directory removed afterwards: *v is set before the tests run. It returns the exit code.
func Main(m *testing.M, v **patientkeys.Vault) int {
	dir, err := os.MkdirTemp("", "patientkeystest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "patientkeystest:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	master, err := patientkeys.LocalMasterKey(filepath.Join(dir, "master.key"), true)
	if err != nil {
		fmt.Fprintln(os.Stderr, "patientkeystest: master key:", err)
		return 1
	}
	opened, err := patientkeys.Open(context.Background(), filepath.Join(dir, "vault.db"), master)
	if err != nil {
		fmt.Fprintln(os.Stderr, "patientkeystest: open vault:", err)
		return 1
	}
	defer func() { _ = opened.Close() }()
	*v = opened
	return m.Run()
}

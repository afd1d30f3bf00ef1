package patientkeys_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

// engines are the vault's storage engines: each gives a test a new, empty store's location.
var engines = []struct {
	name     string
	location func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "vault", "vault.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.Database(t) }},
}

// forEachEngine runs test once per engine, on a new store of that engine.
func forEachEngine(t *testing.T, test func(t *testing.T, location string)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { test(t, e.location(t)) })
	}
}

// openAt opens the vault at location under master, closed at the end of the test.
func openAt(t *testing.T, location string, master patientkeys.MasterKey) *patientkeys.Vault {
	t.Helper()
	v, err := patientkeys.Open(t.Context(), location, master)
	require.NoError(t, err)
	t.Cleanup(func() { _ = v.Close() })
	return v
}

package patientkeys_test

import (
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

// TestVaultFromBeforeMigrationsOpens: a vault file written by the release before versioned
// migrations (testdata/README.md) opens with this one: it is recorded at schema version 1 with
// its tables unchanged, every number gets its old reference back (the index key unwraps), and
// what was sealed then opens (the data keys unwrap).
func TestVaultFromBeforeMigrationsOpens(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vault.db")
	data, err := os.ReadFile("testdata/vault-v0.db")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600)) //nolint:gosec // the test's own temporary directory
	keyText, err := os.ReadFile("testdata/vault-v0-test-master.key")
	require.NoError(t, err)
	master, err := patientkeys.MasterKeyFromText(string(keyText))
	require.NoError(t, err)
	schemaBefore := sqliteSchema(t, path)

	v := openAt(t, path, master)
	listing, err := os.ReadFile("testdata/vault-v0.txt")
	require.NoError(t, err)
	nums := nhsnumber.TestNumbers(3)
	lines := strings.Split(strings.TrimSpace(string(listing)), "\n")
	require.Len(t, lines, len(nums))
	for _, line := range lines {
		f := strings.Fields(line)
		require.Len(t, f, 3)
		i, err := strconv.Atoi(f[0])
		require.NoError(t, err)
		ref, err := v.PatientRef(ctx, nums[i])
		require.NoError(t, err)
		require.Equal(t, f[1], ref, "patient %d got a new reference", i)
		sealed, err := hex.DecodeString(f[2])
		require.NoError(t, err)
		got, err := v.Open(ctx, ref, "nhs_number", sealed)
		require.NoError(t, err, "patient %d's sealed number", i)
		require.Equal(t, nums[i], string(got))
	}
	require.NoError(t, v.Close())

	after := sqliteSchema(t, path)
	require.Equal(t, schemaBefore["vault"], after["vault"])
	require.Equal(t, schemaBefore["patients"], after["patients"])
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	var version int
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT MAX(version_id) FROM patientkeys_schema_version WHERE is_applied`).Scan(&version))
	require.Equal(t, 1, version)
}

// sqliteSchema returns the CREATE statement of each table of the SQLite file at path.
func sqliteSchema(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	rows, err := db.QueryContext(t.Context(), `SELECT name, sql FROM sqlite_master WHERE type = 'table'`)
	require.NoError(t, err)
	defer func() { require.NoError(t, rows.Close()) }()
	out := map[string]string{}
	for rows.Next() {
		var name, stmt string
		require.NoError(t, rows.Scan(&name, &stmt))
		out[name] = stmt
	}
	require.NoError(t, rows.Err())
	return out
}

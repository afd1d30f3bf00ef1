package patientkeys_test

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
)

// row is what the store holds of one patient, read from the file behind the vault's back.
type row struct {
	ref            string
	blind, wrapped []byte
}

func readRow(t *testing.T, path, ref string) row {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	r := row{ref: ref}
	require.NoError(t, db.QueryRowContext(t.Context(),
		`SELECT blind, wrapped_key FROM patients WHERE ref = ?`, ref).Scan(&r.blind, &r.wrapped))
	return r
}

// hits counts, over every file in dir, the occurrences of each needle in raw bytes, base64
// (standard and URL alphabets) and lower- and upper-case hex, naming the file and form.
func hits(t *testing.T, dir string, needles map[string][]byte) []string {
	t.Helper()
	var found []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() { // directories, and a server's sockets
			return err
		}
		data, err := os.ReadFile(path) //nolint:gosec // the test's own temporary directory
		if err != nil {
			return err
		}
		for name, n := range needles {
			forms := map[string][]byte{
				"raw":       n,
				"base64":    []byte(base64.StdEncoding.EncodeToString(n)),
				"base64url": []byte(base64.RawURLEncoding.EncodeToString(n)),
				"hex":       []byte(hex.EncodeToString(n)),
				"HEX":       bytes.ToUpper([]byte(hex.EncodeToString(n))),
			}
			for form, f := range forms {
				if bytes.Contains(data, f) {
					rel, _ := filepath.Rel(dir, path)
					found = append(found, rel+": "+name+" ("+form+")")
				}
			}
		}
		return nil
	}))
	return found
}

func TestEraseRemovesTheKeyAndTheRowFromEveryFile(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.db")
	v, err := patientkeys.Open(ctx, path, patientkeystest.Master(t))
	require.NoError(t, err)
	defer func() { require.NoError(t, v.Close()) }()
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	kept, err := v.PatientRef(ctx, numbers[1])
	require.NoError(t, err)
	erased, other := readRow(t, path, ref), readRow(t, path, kept)
	needles := map[string][]byte{
		"erased ref": []byte(erased.ref), "erased wrapped key": erased.wrapped, "erased index entry": erased.blind,
	}
	require.Len(t, hits(t, dir, needles), 3, "the scan does not find the patient before erasure")

	existed, err := v.Erase(ctx, ref)
	require.NoError(t, err)
	require.True(t, existed)
	require.Empty(t, hits(t, dir, needles), "erased bytes left in the store's files")
	require.Len(t, hits(t, dir, map[string][]byte{"kept wrapped key": other.wrapped}), 1,
		"the other patient's key is gone from the file")
}

func TestNoNumberOrRawKeyOnDisk(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	master, err := patientkeys.LocalMasterKey(filepath.Join(dir, "keys", "master.key"), true)
	require.NoError(t, err)
	path := filepath.Join(dir, "vault", "vault.db")
	v, err := patientkeys.Open(ctx, path, master)
	require.NoError(t, err)
	defer func() { require.NoError(t, v.Close()) }()
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	_, err = v.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)
	needles := map[string][]byte{"NHS number": []byte(numbers[0])}
	require.Empty(t, hits(t, filepath.Join(dir, "vault"), needles))
	// The store holds the wrapped key only: unwrapping it needs the master key.
	wrapped := readRow(t, path, ref).wrapped
	_, err = patientkeystest.Master(t).Unwrap(ctx, wrapped, []byte(ref))
	require.Error(t, err, "another master key unwraps the stored data key")
	key, err := master.Unwrap(ctx, wrapped, []byte(ref))
	require.NoError(t, err)
	require.Empty(t, hits(t, filepath.Join(dir, "vault"), map[string][]byte{"raw data key": key}))
}

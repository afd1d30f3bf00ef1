package patientkeys_test

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func TestLocalMasterKeyIsCreatedPrivateAndReloaded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "master.key")
	_, err := patientkeys.LocalMasterKey(path, false)
	require.ErrorIs(t, err, fs.ErrNotExist, "absent without create")

	m, err := patientkeys.LocalMasterKey(path, true)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	info, err = os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), info.Mode().Perm())
	text, err := os.ReadFile(path) //nolint:gosec // the test's own file
	require.NoError(t, err)
	key, err := base64.StdEncoding.DecodeString(string(text[:len(text)-1]))
	require.NoError(t, err)
	require.Len(t, key, patientkeys.KeySize)
	require.NotContains(t, m.ID(), string(text[:8]), "the ID shows the key")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "a temporary file was left behind")

	again, err := patientkeys.LocalMasterKey(path, true)
	require.NoError(t, err)
	require.Equal(t, m.ID(), again.ID(), "reloading gave another key")
	wrapped, err := m.Wrap(t.Context(), []byte("0123456789abcdef0123456789abcdef"), []byte("aad"))
	require.NoError(t, err)
	got, err := again.Unwrap(t.Context(), wrapped, []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, []byte("0123456789abcdef0123456789abcdef"), got)
	_, err = again.Unwrap(t.Context(), wrapped, []byte("other"))
	require.ErrorIs(t, err, patientkeys.ErrUnwrap, "another aad")
}

func TestLocalMasterKeyConcurrentCreatorsShareOneKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	ids := make([]string, 16)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			m, err := patientkeys.LocalMasterKey(path, true)
			if err == nil {
				ids[i] = m.ID()
			}
		})
	}
	wg.Wait()
	for i := range ids {
		require.Equal(t, ids[0], ids[i], "creator %d", i)
	}
	require.NotEmpty(t, ids[0])
}

func TestLocalMasterKeyRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.key")
	require.NoError(t, os.WriteFile(open, []byte(base64.StdEncoding.EncodeToString(make([]byte, 32))), 0o600))
	require.NoError(t, os.Chmod(open, 0o644)) //nolint:gosec // the point of the test
	_, err := patientkeys.LocalMasterKey(open, false)
	require.ErrorContains(t, err, "chmod 600")

	secret := "c2VjcmV0LW1hdGVyaWFs" // base64 of the wrong length
	short := filepath.Join(dir, "short.key")
	require.NoError(t, os.WriteFile(short, []byte(secret), 0o600))
	_, err = patientkeys.LocalMasterKey(short, false)
	require.ErrorContains(t, err, "32 bytes in base64")
	require.NotContains(t, err.Error(), secret)
}

func TestRefsAreNeverNHSNumbers(t *testing.T) {
	v := patientkeystest.Open(t)
	for _, n := range nhsnumber.TestNumbers(20) {
		ref, err := v.PatientRef(t.Context(), n)
		require.NoError(t, err)
		require.NoError(t, patientkeys.ValidRef(ref))
		require.Error(t, nhsnumber.Check(ref))
		require.Error(t, patientkeys.ValidRef(n), "an NHS number passes as a reference")
	}
	require.ErrorIs(t, patientkeys.ValidRef("pt-aaaaaaaaaaaaaaaaaaaaaaaaab"), patientkeys.ErrRefShape,
		"non-canonical base32 (trailing bits set) accepted")
}

// The master key given as text (an environment variable holding a Kubernetes Secret) is the same
// key as the file holding that text: a key wrapped under one unwraps under the other. Text that
// is not 32 bytes of base64 is refused without being repeated.
func TestMasterKeyFromTextIsTheFilesKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	fromFile, err := patientkeys.LocalMasterKey(path, true)
	require.NoError(t, err)
	text, err := os.ReadFile(path) //nolint:gosec // the test's own temporary directory
	require.NoError(t, err)
	fromText, err := patientkeys.MasterKeyFromText(string(text))
	require.NoError(t, err)
	require.Equal(t, fromFile.ID(), fromText.ID())
	wrapped, err := fromFile.Wrap(t.Context(), []byte("0123456789abcdef0123456789abcdef"), []byte("aad"))
	require.NoError(t, err)
	key, err := fromText.Unwrap(t.Context(), wrapped, []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, []byte("0123456789abcdef0123456789abcdef"), key)

	for _, bad := range []string{"", "not base64 at all!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := patientkeys.MasterKeyFromText(bad)
		require.ErrorContains(t, err, "must be 32 bytes in base64")
		if bad != "" {
			require.NotContains(t, err.Error(), bad)
		}
	}
}

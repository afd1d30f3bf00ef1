package secretfile_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/secretfile"
)

func TestWriteReplacesAtomicallyReadableByTheOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "k.json")
	require.NoError(t, secretfile.Write(path, []byte("one")))
	require.NoError(t, secretfile.Write(path, []byte("two")))
	got, err := os.ReadFile(path) //nolint:gosec // G304: the test's own temporary file
	require.NoError(t, err)
	require.Equal(t, "two", string(got))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	dir, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), dir.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
}

func TestCreateNeverReplacesAndRacersAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() {
			b, err := secretfile.Create(path, []byte{byte('a' + i)})
			require.NoError(t, err)
			got[i] = string(b)
		})
	}
	wg.Wait()
	onDisk, err := os.ReadFile(path) //nolint:gosec // G304: the test's own temporary file
	require.NoError(t, err)
	for _, g := range got {
		require.Equal(t, string(onDisk), g, "every creator ends up with the first key written")
	}
}

package pathway

import (
	"io/fs"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks Parse never panics, and that whatever it accepts survives a
// canonical round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/minimal.yaml", "definitions/msk.v1.yaml", "definitions/copd.v1.yaml"} {
		doc, err := fs.ReadFile(os.DirFS("."), name)
		require.NoError(f, err)
		f.Add(doc)
	}
	f.Add([]byte("id: demo\nversion: 1\nstages: [{id: a, kind: referral, next: [a]}]\n"))
	f.Add([]byte("measures: [{id: m, min: .nan, max: .inf, mic: -1}]\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := Parse(doc)
		if err != nil {
			require.Nil(t, d)
			require.NotEmpty(t, problemsOf(t, err))
			return
		}
		out, err := d.YAML()
		require.NoError(t, err)
		again, err := Parse(out)
		require.NoError(t, err)
		require.Equal(t, d, again)
		require.True(t, Diff(d, again).Empty())
	})
}

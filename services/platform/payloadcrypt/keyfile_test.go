package payloadcrypt_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

func TestEnsureFileMakesAnOwnerOnlyKeyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "payload-keys.json")
	k, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	require.Equal(t, "k1", k.Primary())
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	again, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	require.Equal(t, encode(t, k, secret).GetMetadata(), encode(t, again, secret).GetMetadata())
	var got referral
	require.NoError(t, payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(again)).FromPayload(encode(t, k, secret), &got),
		"the second start reads the key the first made")
}

func TestRotateFileKeepsOldKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payload-keys.json")
	k1, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	old := encode(t, k1, secret)
	k2, err := payloadcrypt.Rotate(path)
	require.NoError(t, err)
	require.Equal(t, "k2", k2.Primary())

	loaded, err := payloadcrypt.LoadFile(path)
	require.NoError(t, err)
	require.Equal(t, "k2", loaded.Primary())
	require.Equal(t, []string{"k1", "k2"}, loaded.IDs())
	var got referral
	require.NoError(t, payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(loaded)).FromPayload(old, &got))
	require.Equal(t, secret, got)
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left behind")
}

func TestLoadFileRefusesAReadableKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payload-keys.json")
	_, err := payloadcrypt.EnsureFile(path)
	require.NoError(t, err)
	require.NoError(t, os.Chmod(path, 0o644)) //nolint:gosec // G302: the group-readable key file the test shows refused
	_, err = payloadcrypt.LoadFile(path)
	require.ErrorContains(t, err, "readable by its owner only")
}

func TestParseKeyringNamesTheFieldNotTheKey(t *testing.T) {
	short := base64.StdEncoding.EncodeToString([]byte("sixteen-byte-key"))
	for name, tc := range map[string]struct{ json, want string }{
		"not JSON":        {`primary=k1`, "must be JSON"},
		"a short key":     {`{"primary":"k1","keys":{"k1":"` + short + `"}}`, "keys.k1: must be 32 bytes"},
		"bad base64":      {`{"primary":"k1","keys":{"k1":"%%%"}}`, "keys.k1: must be standard base64"},
		"no keys":         {`{"primary":"k1","keys":{}}`, "keys: at least one key"},
		"unknown primary": {`{"primary":"k2","keys":{"k1":"` + base64.StdEncoding.EncodeToString(make([]byte, 32)) + `"}}`, `primary: "k2" must name one of the keys (k1)`},
		"a bad key ID":    {`{"primary":"k 1","keys":{"k 1":"` + base64.StdEncoding.EncodeToString(make([]byte, 32)) + `"}}`, `key ID "k 1" may hold only`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := payloadcrypt.ParseKeyring([]byte(tc.json))
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), short)
		})
	}
}

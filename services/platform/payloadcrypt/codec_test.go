package payloadcrypt_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

type referral struct {
	NHSNumber string
	Note      string
}

var secret = referral{NHSNumber: "9990000018", Note: "lives alone, marker-7f3a"}

func keyring(t *testing.T) *payloadcrypt.Keyring {
	t.Helper()
	k, err := payloadcrypt.Generate()
	require.NoError(t, err)
	return k
}

func encode(t *testing.T, k payloadcrypt.KeySource, v any) *commonpb.Payload {
	t.Helper()
	p, err := payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(k)).ToPayload(v)
	require.NoError(t, err)
	return p
}

func TestRoundTripLeavesNothingInClear(t *testing.T) {
	k := keyring(t)
	dc := payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(k))
	p, err := dc.ToPayload(secret)
	require.NoError(t, err)

	require.Equal(t, payloadcrypt.EncodingEncrypted, string(p.GetMetadata()["encoding"]))
	require.Equal(t, "k1", string(p.GetMetadata()["encryption-key-id"]))
	raw, err := p.Marshal()
	require.NoError(t, err)
	for _, plain := range []string{secret.NHSNumber, "marker-7f3a", "json/plain"} {
		require.NotContains(t, string(raw), plain, "the stored payload shows %q", plain)
	}

	var got referral
	require.NoError(t, dc.FromPayload(p, &got))
	require.Equal(t, secret, got)
}

func TestPlainPayloadsPassThrough(t *testing.T) {
	plain, err := converter.GetDefaultDataConverter().ToPayload(secret)
	require.NoError(t, err)
	out, err := payloadcrypt.NewCodec(keyring(t)).Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Same(t, plain, out[0], "a payload recorded before encryption decodes as it is")
}

func TestRotation(t *testing.T) {
	k1 := keyring(t)
	old := encode(t, k1, secret)
	k2, err := k1.Rotated()
	require.NoError(t, err)
	require.Equal(t, "k2", k2.Primary())
	require.Equal(t, []string{"k1", "k2"}, k2.IDs())

	dc := payloadcrypt.DataConverter(nil, payloadcrypt.NewCodec(k2))
	var got referral
	require.NoError(t, dc.FromPayload(old, &got), "a payload sealed before the rotation")
	require.Equal(t, secret, got)

	fresh := encode(t, k2, secret)
	require.Equal(t, "k2", string(fresh.GetMetadata()["encryption-key-id"]), "new payloads use the new key")

	_, err = payloadcrypt.NewCodec(k1).Decode([]*commonpb.Payload{fresh})
	require.ErrorIs(t, err, payloadcrypt.ErrUnknownKey, "the old keyring cannot read the new key's payloads")
}

func TestUnknownKeyFailsClearly(t *testing.T) {
	p := encode(t, keyring(t), secret)
	other, err := payloadcrypt.NewKeyring("k9", map[string][]byte{"k9": bytes.Repeat([]byte{1}, 32)})
	require.NoError(t, err)
	_, err = payloadcrypt.NewCodec(other).Decode([]*commonpb.Payload{p})
	require.ErrorIs(t, err, payloadcrypt.ErrUnknownKey)
	require.ErrorContains(t, err, `"k1"`)
	require.ErrorContains(t, err, "k9")
}

func TestTamperedPayloadsAreRefused(t *testing.T) {
	k := keyring(t)
	k2, err := k.Rotated()
	require.NoError(t, err)
	for name, tamper := range map[string]func(p *commonpb.Payload){
		"a flipped ciphertext byte": func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 },
		"a flipped nonce byte":      func(p *commonpb.Payload) { p.Data[0] ^= 1 },
		"truncated":                 func(p *commonpb.Payload) { p.Data = p.Data[:5] },
		"another key's ID":          func(p *commonpb.Payload) { p.Metadata["encryption-key-id"] = []byte("k2") },
	} {
		t.Run(name, func(t *testing.T) {
			p := encode(t, k, secret)
			tamper(p)
			_, err := payloadcrypt.NewCodec(k2).Decode([]*commonpb.Payload{p})
			require.Error(t, err)
			require.NotErrorIs(t, err, payloadcrypt.ErrUnknownKey)
			require.NotContains(t, err.Error(), secret.NHSNumber)
		})
	}
}

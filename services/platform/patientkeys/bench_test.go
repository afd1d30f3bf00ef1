package patientkeys_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
)

// The vault's Seal and Open read the wrapped key from SQLite on every call (so an erasure by
// any process takes effect at once); BenchmarkGCMBaseline is the bare AES-256-GCM they wrap,
// measured in the same run, to read them as a ratio.

var field = []byte("a discharge note of about eighty bytes, the size of a typical free-text field.")

func BenchmarkSeal(b *testing.B) {
	v := patientkeystest.Open(b)
	ref, err := v.PatientRef(b.Context(), numbers[0])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := v.Seal(b.Context(), ref, "discharge_note", field); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	v := patientkeystest.Open(b)
	ref, err := v.PatientRef(b.Context(), numbers[0])
	if err != nil {
		b.Fatal(err)
	}
	sealed, err := v.Seal(b.Context(), ref, "discharge_note", field)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := v.Open(b.Context(), ref, "discharge_note", sealed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGCMBaseline(b *testing.B) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	for b.Loop() {
		_, _ = rand.Read(nonce)
		sealed := aead.Seal(nil, nonce, field, []byte("aad"))
		if _, err := aead.Open(nil, nonce, sealed, []byte("aad")); err != nil {
			b.Fatal(err)
		}
	}
}

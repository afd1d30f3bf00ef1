package patientkeys

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// ErrCorrupt is Open's answer for a sealed value that does not decrypt although the patient's
// key is live: damaged or tampered bytes, or a value sealed for another patient or purpose.
var ErrCorrupt = errors.New("patientkeys: sealed value does not open: corrupt, tampered with, or sealed for another patient or purpose")

// sealVersion is the first byte of a sealed value: version 1 is AES-256-GCM under the
// patient's data key, a 12-byte random nonce, then the ciphertext and its 16-byte tag, with
// additional data ref + "\x00" + purpose.
const sealVersion = 1

// SealOverhead is how many bytes Seal adds to a plaintext.
const SealOverhead = 1 + 12 + 16

// maxPurpose bounds the length of a purpose.
const maxPurpose = 64

// Seal encrypts plaintext with the patient's data key for purpose, the name of the field it
// is (such as "nhs_number" or "discharge_note": 1 to 64 of a-z, 0-9, '_', '.', '-'). The
// result opens only with the same ref and purpose, while the patient is not erased. ErrErased
// when ref has no live key.
func (v *Vault) Seal(ctx context.Context, ref, purpose string, plaintext []byte) ([]byte, error) {
	aead, err := v.dataKey(ctx, ref, purpose)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1, SealOverhead+len(plaintext))
	out[0] = sealVersion
	out = append(out, randomBytes(aead.NonceSize())...)
	return aead.Seal(out, out[1:], plaintext, sealAAD(ref, purpose)), nil
}

// Open decrypts what Seal returned for the same ref and purpose. ErrErased (errors.Is) when the
// patient was erased or never known; ErrCorrupt when the value is damaged, tampered with, or
// sealed for another ref or purpose.
func (v *Vault) Open(ctx context.Context, ref, purpose string, sealed []byte) ([]byte, error) {
	aead, err := v.dataKey(ctx, ref, purpose)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != sealVersion {
		return nil, ErrCorrupt
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], sealAAD(ref, purpose))
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

// sealAAD is the additional data of a sealed value: ref + "\x00" + purpose.
func sealAAD(ref, purpose string) []byte {
	return []byte(ref + "\x00" + purpose)
}

// dataKey checks ref and purpose and returns the cipher of the patient's live data key. The
// store is read on every call, so an erasure by any process takes effect at once; the cache
// only saves unwrapping the same wrapped key again.
func (v *Vault) dataKey(ctx context.Context, ref, purpose string) (cipher.AEAD, error) {
	var bad fault.Violations
	if err := ValidRef(ref); err != nil {
		bad.AddErr("ref", err)
	}
	if err := checkPurpose(purpose); err != nil {
		bad.AddErr("purpose", err)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	wrapped, ok, err := v.store.wrappedKey(ctx, ref)
	if err != nil {
		return nil, wrapErr(err)
	}
	if !ok {
		return nil, ErrErased
	}
	if aead := v.cache.get(ref, wrapped); aead != nil {
		return aead, nil
	}
	key, err := v.master.Unwrap(ctx, wrapped, []byte(ref))
	if err != nil {
		return nil, fmt.Errorf("patientkeys: unwrap the data key of %s with master key %q: %w", ref, v.master.ID(), err)
	}
	aead, err := newGCM(key)
	clear(key)
	if err != nil {
		return nil, fmt.Errorf("patientkeys: data key of %s: %w", ref, err)
	}
	v.cache.put(ref, wrapped, aead)
	return aead, nil
}

// errPurpose is the rule a purpose breaks.
var errPurpose = fmt.Errorf("must be 1 to %d characters of a-z, 0-9, '_', '.', '-'", maxPurpose)

// checkPurpose returns errPurpose unless purpose follows its rule.
func checkPurpose(purpose string) error {
	if purpose == "" || len(purpose) > maxPurpose {
		return errPurpose
	}
	for i := range len(purpose) {
		c := purpose[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' && c != '-' {
			return errPurpose
		}
	}
	return nil
}

package payloadcrypt

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"github.com/nhs-pathways/pathways/services/platform/secretfile"
)

// keyringJSON is the file and environment form of a Keyring:
//
//	{"primary": "k2", "keys": {"k1": "<base64 of 32 bytes>", "k2": "<base64 of 32 bytes>"}}
type keyringJSON struct {
	Primary string            `json:"primary"`
	Keys    map[string]string `json:"keys"`
}

// ParseKeyring reads a keyring from its JSON form (standard base64 keys). Errors name the field
// and never show key material.
func ParseKeyring(data []byte) (*Keyring, error) {
	var kj keyringJSON
	if err := json.Unmarshal(data, &kj); err != nil {
		return nil, errors.New(`must be JSON {"primary": "<key id>", "keys": {"<key id>": "<base64 of 32 bytes>", ...}}`)
	}
	keys := make(map[string][]byte, len(kj.Keys))
	var errs []error
	for id, b64 := range kj.Keys {
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			errs = append(errs, fmt.Errorf("keys.%s: must be standard base64", id))
			continue
		}
		keys[id] = key
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return NewKeyring(kj.Primary, keys)
}

// MarshalJSON writes the keyring's JSON form (ParseKeyring reads it back): key material, so
// only ever to a 0600 file or a secret store.
func (k *Keyring) MarshalJSON() ([]byte, error) {
	kj := keyringJSON{Primary: k.primary, Keys: make(map[string]string, len(k.keys))}
	for id, key := range k.keys {
		kj.Keys[id] = base64.StdEncoding.EncodeToString(key)
	}
	return json.MarshalIndent(kj, "", "  ")
}

// Generate returns a keyring of one new random key, "k1", its primary.
func Generate() (*Keyring, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	return NewKeyring("k1", map[string][]byte{"k1": key})
}

// Rotated returns a copy of the keyring with a new random key as its primary (ID "k<n>", n one
// more than the highest such ID held), every old key kept so that what they encrypted still
// decrypts.
func (k *Keyring) Rotated() (*Keyring, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	n := len(k.keys) + 1
	for id := range k.keys {
		if len(id) > 1 && id[0] == 'k' {
			if i, err := strconv.Atoi(id[1:]); err == nil && i >= n {
				n = i + 1
			}
		}
	}
	id := "k" + strconv.Itoa(n)
	keys := map[string][]byte{id: key}
	for old, v := range k.keys {
		keys[old] = v
	}
	return NewKeyring(id, keys)
}

func newKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new payload key: %w", err)
	}
	return key, nil
}

// LoadFile reads a keyring file. The file must be readable by its owner only (0600 or 0400):
// a group- or world-readable key file is refused.
func LoadFile(path string) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("payload key file: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("payload key file %s: must be readable by its owner only (chmod 600), not %04o", path, perm)
	}
	data, err := os.ReadFile(path) //nolint:gosec // G304: the operator names the key file
	if err != nil {
		return nil, fmt.Errorf("payload key file: %w", err)
	}
	k, err := ParseKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("payload key file %s: %w", path, err)
	}
	return k, nil
}

// EnsureFile reads the keyring file at path, or makes it with one new key (Generate) when it
// does not exist yet (its directory 0700, the file 0600).
func EnsureFile(path string) (*Keyring, error) {
	k, err := LoadFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if k, err = Generate(); err != nil {
		return nil, err
	}
	return k, WriteFile(path, k)
}

// Rotate adds a new primary key to the keyring file at path, keeping the old keys (Rotated),
// and writes it back atomically. Processes read their keys when they start: restart them.
func Rotate(path string) (*Keyring, error) {
	k, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	if k, err = k.Rotated(); err != nil {
		return nil, err
	}
	return k, WriteFile(path, k)
}

// WriteFile writes the keyring to path atomically (platform/secretfile: a temporary file in the
// same directory, synced, renamed over path), 0600, creating the directory (0700) if missing.
func WriteFile(path string, k *Keyring) error {
	data, err := k.MarshalJSON()
	if err != nil {
		return err
	}
	if err := secretfile.Write(path, append(data, '\n')); err != nil {
		return fmt.Errorf("payload key file: %w", err)
	}
	return nil
}

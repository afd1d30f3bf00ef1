package patientkeys

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/secretfile"
)

// MasterKey wraps and unwraps data keys; a cloud KMS implements it in production (its ID is
// then the KMS key's name, which stays the same when the KMS rotates the key's versions).
// Implementations must be safe for concurrent use and must never put key material in an error.
type MasterKey interface {
	// ID names the key (never derived reversibly from its secret).
	ID() string
	// Wrap encrypts key, binding it to aad.
	Wrap(ctx context.Context, key, aad []byte) ([]byte, error)
	// Unwrap decrypts what Wrap returned for the same aad; an error when either differs.
	Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error)
}

// KeySize is the size in bytes of the master key, the data keys and the index key (AES-256).
const KeySize = 32

// wrapVersion is the first byte of a local wrapping: version 1 is AES-256-GCM, nonce, sealed key.
const wrapVersion = 1

// ErrUnwrap is returned by the local master key when a wrapped key does not decrypt: another
// master key, another aad, or damaged bytes.
var ErrUnwrap = errors.New("patientkeys: wrapped key does not decrypt with this master key")

// localMaster is a master key held in memory, loaded from a file: AES-256-GCM with a random nonce.
type localMaster struct {
	id   string
	aead cipher.AEAD
}

// LocalMasterKey loads the 32-byte master key from path (base64 text, surrounding white space
// ignored), creating it (file 0600, directory 0700, written atomically: a second process
// creating it at the same moment reads the first one's key) when it is absent and create is
// true. A key file readable by group or others is refused. Errors never contain the key.
func LocalMasterKey(path string, create bool) (MasterKey, error) {
	text, err := os.ReadFile(path) //nolint:gosec // the operator names the key file in configuration
	if errors.Is(err, fs.ErrNotExist) && create {
		text, err = createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("master key file %s: must be readable by its owner only (mode %#o; chmod 600 it)", path, perm)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("master key file %s: must hold %d bytes in base64 text", path, KeySize)
	}
	return newLocalMaster(key)
}

// MasterKeyFromText is the master key given as base64 text (surrounding white space ignored):
// for deployments that inject secrets as environment variables (a Kubernetes Secret mounted as
// a file is group-readable, which LocalMasterKey refuses). Errors never contain the key.
func MasterKeyFromText(text string) (MasterKey, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("master key: must be %d bytes in base64 text", KeySize)
	}
	return newLocalMaster(key)
}

// newLocalMaster is the master key of key (KeySize bytes).
func newLocalMaster(key []byte) (*localMaster, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("pathways patientkeys master key id\x00"), key...))
	return &localMaster{id: "local:" + hex.EncodeToString(sum[:8]), aead: aead}, nil
}

// createKeyFile writes a new random key to path without ever replacing an existing file
// (platform/secretfile.Create): when another process got there first, its key is read instead.
func createKeyFile(path string) ([]byte, error) {
	text := []byte(base64.StdEncoding.EncodeToString(randomBytes(KeySize)) + "\n")
	return secretfile.Create(path, text)
}

func (m *localMaster) ID() string { return m.id }

func (m *localMaster) Wrap(_ context.Context, key, aad []byte) ([]byte, error) {
	out := make([]byte, 1, 1+m.aead.NonceSize()+len(key)+m.aead.Overhead())
	out[0] = wrapVersion
	out = append(out, randomBytes(m.aead.NonceSize())...)
	return m.aead.Seal(out, out[1:], key, aad), nil
}

func (m *localMaster) Unwrap(_ context.Context, wrapped, aad []byte) ([]byte, error) {
	n := m.aead.NonceSize()
	if len(wrapped) < 1+n+m.aead.Overhead() || wrapped[0] != wrapVersion {
		return nil, ErrUnwrap
	}
	key, err := m.aead.Open(nil, wrapped[1:1+n], wrapped[1+n:], aad)
	if err != nil {
		return nil, ErrUnwrap
	}
	return key, nil
}

// newGCM is AES-256-GCM under key.
func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("patientkeys: key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("patientkeys: %w", err)
	}
	return cipher.NewGCM(block)
}

// randomBytes returns n bytes from the operating system's generator (crypto/rand.Read never
// fails: it crashes the program rather than return predictable bytes).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

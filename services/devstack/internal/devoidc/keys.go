package devoidc

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// keysFile is the file in Options.SigningKeyDir that holds the signing keys (private; 0600), as
// a JSON Web Key Set, the active key first.
const keysFile = "signing-keys.jwks.json"

// keptKeys is how many keys the key set holds: the active one and the previous ones, so tokens
// signed before a rotation (they live an hour) still verify.
const keptKeys = 3

// signingKey is one RSA key; it serves as op.SigningKey (the private half) and op.Key (public).
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) ID() string                                  { return k.id }
func (k signingKey) Key() any                                    { return k.key }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

// keyRing holds the signing keys, the active one first, and persists them when dir is set.
// Safe for concurrent use.
type keyRing struct {
	dir  string
	mu   sync.RWMutex
	keys []signingKey
}

func newSigningKey() (signingKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return signingKey{}, fmt.Errorf("generate signing key: %w", err)
	}
	// The key ID is the key's RFC 7638 thumbprint: stable and unique.
	sum, err := (&jose.JSONWebKey{Key: &k.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return signingKey{}, fmt.Errorf("signing key thumbprint: %w", err)
	}
	return signingKey{id: base64.RawURLEncoding.EncodeToString(sum), key: k}, nil
}

// openKeyRing loads the keys kept in dir, or makes a first key (and keeps it there).
func openKeyRing(dir string) (*keyRing, error) {
	r := &keyRing{dir: dir}
	if dir != "" {
		keys, err := loadKeys(filepath.Join(dir, keysFile))
		if err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			r.keys = keys
			return r, nil
		}
	}
	return r, r.rotate()
}

func (r *keyRing) active() signingKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.keys[0]
}

func (r *keyRing) public() []op.Key {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]op.Key, len(r.keys))
	for i, k := range r.keys {
		out[i] = publicKey{k}
	}
	return out
}

// rotate makes a new key active, keeping the previous ones (up to keptKeys in all).
func (r *keyRing) rotate() error {
	k, err := newSigningKey()
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := append([]signingKey{k}, r.keys...)
	keys = keys[:min(len(keys), keptKeys)]
	if r.dir != "" {
		if err := saveKeys(r.dir, keys); err != nil {
			return err
		}
	}
	r.keys = keys
	return nil
}

func loadKeys(path string) ([]signingKey, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the path is the configured key directory plus a fixed name
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("SigningKeyDir: read signing keys: %w", err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("SigningKeyDir: %s is not a JSON Web Key Set: %w", path, err)
	}
	keys := make([]signingKey, 0, len(set.Keys))
	for i, jwk := range set.Keys {
		k, ok := jwk.Key.(*rsa.PrivateKey)
		if !ok || jwk.KeyID == "" {
			return nil, fmt.Errorf("SigningKeyDir: %s: key %d must be an RSA private key with a key ID", path, i)
		}
		keys = append(keys, signingKey{id: jwk.KeyID, key: k})
	}
	return keys, nil
}

// saveKeys writes the keys to dir atomically (a temporary file renamed over the old one).
func saveKeys(dir string, keys []signingKey) error {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, len(keys))}
	for i, k := range keys {
		set.Keys[i] = jose.JSONWebKey{Key: k.key, KeyID: k.id, Algorithm: string(jose.RS256), Use: "sig"}
	}
	data, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("encode signing keys: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("SigningKeyDir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, keysFile+".*")
	if err != nil {
		return fmt.Errorf("SigningKeyDir: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename; only a failed write leaves it
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("SigningKeyDir: write signing keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("SigningKeyDir: write signing keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, keysFile)); err != nil {
		return fmt.Errorf("SigningKeyDir: %w", err)
	}
	return nil
}

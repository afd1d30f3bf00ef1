// Package payloadcrypt encrypts Temporal payloads at rest: a converter.PayloadCodec that seals
// every payload with AES-256-GCM under the primary key of a keyring and names the key in the
// payload's metadata, so that Temporal's history, the Web UI and anything that copies them hold
// ciphertext only.
//
// Keys come from a KeySource: a Keyring held in memory (read from a 0600 JSON file or an
// environment variable, see ParseKeyring), or a KMS behind the same two methods. The newest key
// (the primary) encrypts; every key held decrypts, so rotating (Rotate: a new primary, the old
// keys kept) never strands a running journey. Payloads not marked as encrypted pass through
// Decode untouched: histories written before encryption was turned on still replay.
//
// CodecServer serves Temporal's remote codec protocol (POST /encode, POST /decode) for the Web UI
// and the temporal CLI, with CORS for the UI's origin and the caller's bearer token checked by
// the service's identity interceptor and access table.
package payloadcrypt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// KeySize is the length of every key: AES-256.
const KeySize = 32

// ErrUnknownKey is returned (wrapped) for a key ID the source does not hold.
var ErrUnknownKey = errors.New("unknown payload key")

// KeySource is where a Codec finds its keys. Current is the key new payloads are encrypted with;
// Key returns any key still held by its ID (ErrUnknownKey when there is none), to decrypt what
// older keys encrypted. A KMS implements it by fetching (and caching) data keys. Implementations
// must be safe for concurrent use.
type KeySource interface {
	Current(ctx context.Context) (id string, key []byte, err error)
	Key(ctx context.Context, id string) ([]byte, error)
}

// Keyring is a set of AES-256 keys by ID, one of them the primary. It is immutable once made
// (Rotate writes a new one), so safe for concurrent use.
type Keyring struct {
	primary string
	keys    map[string][]byte
}

// NewKeyring checks and copies keys: every ID non-empty (letters, digits, '-', '_', '.'), every
// key KeySize bytes, primary among them.
func NewKeyring(primary string, keys map[string][]byte) (*Keyring, error) {
	var errs []error
	if len(keys) == 0 {
		errs = append(errs, errors.New("keys: at least one key is required"))
	}
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		if err := checkID(id); err != nil {
			errs = append(errs, err)
		}
		if n := len(keys[id]); n != KeySize {
			errs = append(errs, fmt.Errorf("keys.%s: must be %d bytes (AES-256), not %d", id, KeySize, n))
		}
	}
	if _, ok := keys[primary]; !ok && len(keys) > 0 {
		errs = append(errs, fmt.Errorf("primary: %q must name one of the keys (%s)", primary, strings.Join(slices.Sorted(maps.Keys(keys)), ", ")))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	k := &Keyring{primary: primary, keys: make(map[string][]byte, len(keys))}
	for id, key := range keys {
		k.keys[id] = slices.Clone(key)
	}
	return k, nil
}

func checkID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("keys: a key ID must be 1 to 64 characters, not %q", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("keys: key ID %q may hold only letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}

// Current returns the primary key.
func (k *Keyring) Current(context.Context) (string, []byte, error) {
	return k.primary, k.keys[k.primary], nil
}

// Key returns the key with the ID, or an error wrapping ErrUnknownKey.
func (k *Keyring) Key(_ context.Context, id string) ([]byte, error) {
	key, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("%w %q: the keyring holds %s", ErrUnknownKey, id, strings.Join(k.IDs(), ", "))
	}
	return key, nil
}

// Primary is the ID of the key that encrypts.
func (k *Keyring) Primary() string { return k.primary }

// IDs lists the IDs of the keys held, sorted.
func (k *Keyring) IDs() []string { return slices.Sorted(maps.Keys(k.keys)) }

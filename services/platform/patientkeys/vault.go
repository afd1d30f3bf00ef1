package patientkeys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

// Errors of the vault. None of them ever contains an NHS number or key material.
var (
	// ErrErased: the patient was erased (or was never known), so nothing of theirs decrypts.
	ErrErased = errors.New("patientkeys: patient erased or unknown: no data key")
	// ErrWrongMasterKey: Open was given another master key than the one the vault was set up with.
	ErrWrongMasterKey = errors.New("patientkeys: wrong master key for this vault")
)

// indexKeyAAD binds the wrapped index key to its role; it can never be a patient reference.
var indexKeyAAD = []byte("pathways/patientkeys/index-key/v1")

// Vault holds every patient's data key, wrapped by the master key, and the blind index from an
// NHS number to the patient's reference. Its invariants: one live reference per NHS number;
// one data key per live reference; nothing on disk that decrypts without the master key.
// A Vault is safe for concurrent use, and several processes may open the same store (a SQLite
// file on one host, or a PostgreSQL database from any number of hosts).
type Vault struct {
	store storage
	cache *keyCache

	mu     sync.RWMutex // Rewrap holds it to swap master; every other operation reads it
	master MasterKey
	index  []byte // the raw index key: memory only
}

// Open opens the key store at location: a PostgreSQL database (a postgres:// or postgresql://
// URL; any number of processes may share it, see postgres.go), or else a SQLite file, created
// with its directory 0700 and the file 0600 (processes on one host may share it). Either gets
// its schema brought up to date. The first Open of a new store generates the index key and
// stores it wrapped by master; a later Open with another master key fails with
// ErrWrongMasterKey. Errors name the location without a URL's password.
func Open(ctx context.Context, location string, master MasterKey) (*Vault, error) {
	if master == nil {
		return nil, errors.New("patientkeys: open: master key is required")
	}
	if err := CheckLocation(location); err != nil {
		return nil, fmt.Errorf("patientkeys: open: %w", err)
	}
	var store storage
	var err error
	name := location
	if IsPostgresURL(location) {
		name = redactURL(location)
		store, err = openPostgres(ctx, location)
	} else {
		store, err = openSQLiteFile(ctx, location)
	}
	if err != nil {
		return nil, fmt.Errorf("patientkeys: %w", err)
	}
	index, err := loadIndexKey(ctx, store, master)
	if err != nil {
		_ = store.close()
		return nil, fmt.Errorf("patientkeys: open %s: %w", name, err)
	}
	return &Vault{store: store, cache: newKeyCache(), master: master, index: index}, nil
}

// openSQLiteFile opens the SQLite store at path, its directory 0700 and the file 0600.
func openSQLiteFile(ctx context.Context, path string) (*sqliteStore, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	store, err := openSQLite(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil { // SQLite gives its journal the same mode
		_ = store.close()
		return nil, fmt.Errorf("open: %w", err)
	}
	return store, nil
}

// loadIndexKey unwraps the store's index key, generating and storing it for a new store.
func loadIndexKey(ctx context.Context, store storage, master MasterKey) ([]byte, error) {
	wrapped, id, ok, err := store.meta(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		fresh := randomBytes(KeySize)
		w, err := master.Wrap(ctx, fresh, indexKeyAAD)
		clear(fresh)
		if err != nil {
			return nil, fmt.Errorf("wrap a new index key with master key %q: %w", master.ID(), err)
		}
		if wrapped, id, err = store.initMeta(ctx, w, master.ID()); err != nil {
			return nil, err
		}
	}
	index, err := master.Unwrap(ctx, wrapped, indexKeyAAD)
	if err != nil {
		return nil, fmt.Errorf("%w: the vault was set up with master key %q, and %q does not unwrap its index key: %w",
			ErrWrongMasterKey, id, master.ID(), err)
	}
	if len(index) != KeySize {
		return nil, fmt.Errorf("%w: index key unwrapped to %d bytes, not %d", ErrWrongMasterKey, len(index), KeySize)
	}
	return index, nil
}

// Close closes the store and forgets the keys held in memory.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	clear(v.index)
	v.cache.clear()
	return v.store.close()
}

// PatientRef returns the pseudonymous reference of the patient with this NHS number, creating
// the patient (a new random data key) on first sight. The same number gets the same reference
// until the patient is erased, atomically even with concurrent callers and processes. A
// malformed number is a *fault.ValidationError on field "nhs_number" (without the number).
func (v *Vault) PatientRef(ctx context.Context, nhsNumber string) (string, error) {
	if err := nhsnumber.Check(nhsNumber); err != nil {
		return "", fault.Invalid("nhs_number", "%v", err)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	blind := v.blind(nhsNumber)
	if ref, ok, err := v.store.refByBlind(ctx, blind); err != nil || ok {
		return ref, wrapErr(err)
	}
	ref := newRef()
	key := randomBytes(KeySize)
	wrapped, err := v.master.Wrap(ctx, key, []byte(ref))
	clear(key)
	if err != nil {
		return "", fmt.Errorf("patientkeys: wrap a new data key with master key %q: %w", v.master.ID(), err)
	}
	got, err := v.store.insertPatient(ctx, ref, blind, wrapped)
	return got, wrapErr(err)
}

// blind is the index entry of an NHS number: HMAC-SHA256 under the index key.
func (v *Vault) blind(nhsNumber string) []byte {
	mac := hmac.New(sha256.New, v.index)
	mac.Write([]byte("nhs_number\x00"))
	mac.Write([]byte(nhsNumber))
	return mac.Sum(nil)
}

// Erase destroys the patient's data key and forgets their index entry: nothing can decrypt
// what was sealed for ref any more (Open returns ErrErased, in this process and any other
// sharing the store, from the moment Erase returns), the bytes have left the store's files,
// and the next PatientRef for the same number creates a new reference and key. Idempotent;
// reports whether a key existed.
func (v *Vault) Erase(ctx context.Context, ref string) (bool, error) {
	if err := ValidRef(ref); err != nil {
		return false, fault.Invalid("ref", "%v", err)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	v.cache.drop(ref)
	existed, err := v.store.erase(ctx, ref)
	v.cache.drop(ref) // a concurrent Seal may have cached it again; it can no longer be used
	return existed, wrapErr(err)
}

// Known reports whether ref has a live data key.
func (v *Vault) Known(ctx context.Context, ref string) (bool, error) {
	if err := ValidRef(ref); err != nil {
		return false, fault.Invalid("ref", "%v", err)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	_, ok, err := v.store.wrappedKey(ctx, ref)
	return ok, wrapErr(err)
}

// wrapErr prefixes a storage error with the package name.
func wrapErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("patientkeys: %w", err)
}

package patientkeys

import (
	"context"
	"errors"
	"fmt"
)

// Rewrap rotates the master key: in one transaction it unwraps the index key and every data
// key with the current master key and wraps them with newMaster, then uses newMaster from
// then on. On any error nothing changes (the store keeps the old wrapping). Data keys, the
// index and every sealed value are unchanged, so the event store needs no rewrite.
//
// Other processes with the store open still hold the old master key: their next unwrap fails
// until they are restarted with newMaster. Rotate with the vault's other users stopped (or
// restart them straight after), then destroy the old master key once no backup needs it.
func (v *Vault) Rewrap(ctx context.Context, newMaster MasterKey) error {
	if newMaster == nil {
		return errors.New("patientkeys: rewrap: new master key is required")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.master
	rewrapIndex := func(wrapped []byte) ([]byte, error) {
		return rewrapOne(ctx, old, newMaster, wrapped, indexKeyAAD)
	}
	rewrapKey := func(ref string, wrapped []byte) ([]byte, error) {
		w, err := rewrapOne(ctx, old, newMaster, wrapped, []byte(ref))
		if err != nil {
			return nil, fmt.Errorf("data key of %s: %w", ref, err)
		}
		return w, nil
	}
	if err := v.store.rewrap(ctx, newMaster.ID(), rewrapIndex, rewrapKey); err != nil {
		return fmt.Errorf("patientkeys: rewrap from master key %q to %q: %w", old.ID(), newMaster.ID(), err)
	}
	v.master = newMaster
	v.cache.clear()
	return nil
}

// rewrapOne unwraps wrapped with old and wraps the key with next, for the same aad.
func rewrapOne(ctx context.Context, old, next MasterKey, wrapped, aad []byte) ([]byte, error) {
	key, err := old.Unwrap(ctx, wrapped, aad)
	if err != nil {
		return nil, fmt.Errorf("unwrap: %w", err)
	}
	defer clear(key)
	w, err := next.Wrap(ctx, key, aad)
	if err != nil {
		return nil, fmt.Errorf("wrap: %w", err)
	}
	return w, nil
}

package patientkeys

import "context"

// storage is everything the vault asks of its database, so that a second implementation
// (PostgreSQL) is this interface again and nothing else. It only ever sees wrapped keys, blind
// indexes and references: never a number or a raw key. Implementations are safe for concurrent
// use and make each method one atomic step, also against other processes on the same database.
type storage interface {
	// meta returns the wrapped index key and the ID of the master key that wrapped it; ok is
	// false when the vault is new.
	meta(ctx context.Context) (wrappedIndex []byte, masterID string, ok bool, err error)
	// initMeta stores the wrapped index key of a new vault unless another caller stored one
	// first, and returns the one stored (first writer wins).
	initMeta(ctx context.Context, wrappedIndex []byte, masterID string) (storedIndex []byte, storedID string, err error)
	// refByBlind returns the reference indexed by blind; ok is false when there is none.
	refByBlind(ctx context.Context, blind []byte) (ref string, ok bool, err error)
	// insertPatient adds the patient (ref, blind, wrapped) unless blind is already indexed, and
	// returns the reference indexed by blind afterwards: ref, or the one of whoever came first.
	insertPatient(ctx context.Context, ref string, blind, wrapped []byte) (string, error)
	// wrappedKey returns the patient's wrapped data key; ok is false when there is none.
	wrappedKey(ctx context.Context, ref string) (wrapped []byte, ok bool, err error)
	// erase deletes the patient's key and index entry so their bytes leave the store's files,
	// and reports whether there was one.
	erase(ctx context.Context, ref string) (bool, error)
	// rewrap replaces, in one transaction, the index key and every data key by rewrapIndex's
	// and rewrapKey's answers, and records newMasterID; any error changes nothing.
	rewrap(ctx context.Context, newMasterID string, rewrapIndex func([]byte) ([]byte, error),
		rewrapKey func(ref string, wrapped []byte) ([]byte, error)) error
	close() error
}

// Package patientkeys is the patient data-key vault: the one place that maps an NHS number to a
// pseudonymous patient reference ("pt-" and 26 base32 characters, never shaped like an NHS
// number), holds each patient's AES-256 data key, seals and opens the identifying and free-text
// fields of the patient's events with it, and erases a patient by destroying the key
// (crypto-shredding).
//
// # Threat model
//
// The event store, its backups and replicas, Temporal's history and everything derived from them
// hold a patient's identifying fields only as ciphertext sealed by this package (AES-256-GCM,
// bound to the reference and the field's purpose), and carry only the reference. Erase deletes
// the patient's wrapped data key and their index entry from the vault, and the bytes leave the
// store's files when Erase returns (a test scans them, for each engine): SQLite runs with
// secure_delete and a rollback journal in DELETE mode; on PostgreSQL, where a deleted row stays
// in its page (DELETE and VACUUM do not clear it), Erase rewrites the table with VACUUM FULL
// (postgres.go). From then on no copy of the event store, old or new, can be decrypted for that
// patient, and their number maps to nothing. The vault itself stores no NHS number, raw data key
// or raw index key: data keys and the index key are wrapped by the master key (a KMS in
// production, a key file in the devstack), and the index is HMAC-SHA256 of the number under the
// index key. So a stolen vault file or backup without the master key reveals nothing, not even
// whether a given number was ever seen. What erasure cannot undo: a vault backup taken before the
// erasure still holds the wrapped key, so backups of the vault must be kept no longer than the
// erasure promise allows (and are useless once their master key is destroyed); on PostgreSQL, the
// write-ahead log holds it too until its segments are recycled, and WAL archives and base backups
// until they age out (their retention bounds how long an erased key can be recovered, given the
// master key); plaintext a reader copied out before the erasure; and blocks of deleted files
// (SQLite's journals, PostgreSQL's table files replaced by VACUUM FULL) the file system or disk
// has not reused yet (use an encrypted volume). Nothing in this package logs but the schema
// migrations it applies, and no error carries an NHS number, key material or a database password
// (references are pseudonymous and may appear in errors).
//
// # Keys in memory and several processes
//
// Every Seal and Open reads the wrapped key from the store, so an erasure takes effect at once in
// every process sharing the store (a SQLite file on one host, or a PostgreSQL database any number
// of coordinator replicas share): the next Seal or Open after Erase returns, in any of them, is
// ErrErased. Unwrapped keys are cached (per process, at most KeyCacheTTL after their last unwrap,
// only while the stored wrapped key is unchanged) to save master-key calls; an erased key may
// thus stay in another process's memory for up to KeyCacheTTL but is never used again. Close
// forgets all of them.
//
// # Backing up the vault
//
// Back up the SQLite file with SQLite's online backup (`sqlite3 vault.db ".backup copy.db"` or
// VACUUM INTO), not by copying a file that a process may be writing; PostgreSQL with its own
// tools (pg_dump of the patientkeys_ tables, or base backups and WAL archiving). The copy holds
// only wrapped keys: it is restorable only with the master key, which is backed up separately
// (KMS key policy, or the key file in a secret store), never next to the copy. Without the vault
// the event store is unreadable for every patient, so losing it is erasing everyone: back it up
// at least as often as patients are added. Restoring an old copy brings back keys erased since;
// re-apply the erasure audit log after any restore.
//
// # Rotating the master key
//
// With a KMS, prefer the KMS's own rotation: its key ID stays the same and old versions still
// unwrap. To move to another master key (or rotate the devstack's key file), call Rewrap with the
// new key while the vault's other users are stopped, restart them with the new key, and destroy
// the old key once no vault backup needs it. Data keys do not change, so nothing in the event
// store is rewritten.
//
// Storage is behind one small interface (storage, in store.go), implemented for SQLite
// (sqlite.go) and PostgreSQL (postgres.go); Open chooses by the location it is given. Each
// engine's schema is versioned (migrations/<engine>, applied at Open by
// services/platform/migrate; on PostgreSQL under an advisory lock, so replicas starting together
// migrate once).
package patientkeys

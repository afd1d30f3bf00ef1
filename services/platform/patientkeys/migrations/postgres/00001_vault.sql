-- The vault on PostgreSQL, shared by every coordinator replica (see postgres.go for the locks).
-- The tables are prefixed so the vault may share a database with other stores. The key columns
-- are stored PLAIN: never compressed or moved to a TOAST table, so a key lives only in its row
-- (which Erase overwrites, deletes and vacuums) and not in a second file.
-- +goose Up
CREATE TABLE patientkeys_vault (
  id integer PRIMARY KEY CHECK (id = 1),
  index_key bytea NOT NULL,      -- the index key wrapped by the master key (aad indexKeyAAD)
  master_id text NOT NULL
);
ALTER TABLE patientkeys_vault ALTER COLUMN index_key SET STORAGE PLAIN;
CREATE TABLE patientkeys_patients (
  ref text PRIMARY KEY,
  blind bytea NOT NULL UNIQUE,   -- HMAC-SHA256 of the NHS number under the index key
  wrapped_key bytea NOT NULL     -- the data key wrapped by the master key (aad ref)
);
ALTER TABLE patientkeys_patients ALTER COLUMN blind SET STORAGE PLAIN;
ALTER TABLE patientkeys_patients ALTER COLUMN wrapped_key SET STORAGE PLAIN;

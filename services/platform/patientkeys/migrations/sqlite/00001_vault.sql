-- The vault as it was before versioned migrations: IF NOT EXISTS, so a vault file made by an
-- earlier release adopts version 1 unchanged (its keys still unwrap with its master key).
-- +goose Up
CREATE TABLE IF NOT EXISTS vault (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- the index key wrapped by the master key (aad indexKeyAAD)
  index_key BLOB NOT NULL,
  master_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS patients (
  ref TEXT PRIMARY KEY,
  -- HMAC-SHA256 of the NHS number under the index key
  blind BLOB NOT NULL UNIQUE,
  -- the data key wrapped by the master key (aad ref)
  wrapped_key BLOB NOT NULL
) WITHOUT ROWID;

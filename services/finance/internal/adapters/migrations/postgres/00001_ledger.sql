-- The ledger on PostgreSQL, shared by every finance replica. Every ingest writes its applied
-- event ID, its ledger rows and its outbox events in one transaction (READ COMMITTED, with the
-- locks the PostgreSQL store takes: see pgstore.go).
-- +goose Up
CREATE TABLE contracts (
  id text PRIMARY KEY,
  doc bytea NOT NULL,            -- the contract (JSON of domain.Contract)
  released integer NOT NULL,     -- periods released
  next_rev bigint NOT NULL,      -- next revision of the contract stream
  spent bigint NOT NULL,         -- pence charged
  activities bigint NOT NULL,
  settled boolean NOT NULL
);
CREATE TABLE applied (
  event_id text PRIMARY KEY,
  hash bytea NOT NULL
);
CREATE TABLE charges (
  event_id text PRIMARY KEY,
  contract_id text NOT NULL,
  month text NOT NULL,
  provider text NOT NULL,
  intervention_code text NOT NULL,
  intervention_id text NOT NULL,
  journey_id text NOT NULL,
  occurred_at text NOT NULL,     -- adapters.TimeLayout: UTC, fixed width, nanoseconds kept
  price bigint NOT NULL,
  pcn text NOT NULL,
  segment integer NOT NULL
);
CREATE INDEX charges_month ON charges (contract_id, month);
CREATE TABLE payables (
  contract_id text NOT NULL,
  provider text NOT NULL,
  amount bigint NOT NULL,
  PRIMARY KEY (contract_id, provider)
);
CREATE TABLE crossings (
  contract_id text NOT NULL,
  key text NOT NULL,
  PRIMARY KEY (contract_id, key)
);
CREATE TABLE scores (
  pathway_id text NOT NULL,
  journey_id text NOT NULL,
  point text NOT NULL,
  measure text NOT NULL,
  value double precision NOT NULL,
  occurred_at text NOT NULL,
  contract_id text NOT NULL,
  PRIMARY KEY (pathway_id, journey_id, point, measure)
);
-- The feed cursor. A sequence would hand out numbers that a rolled-back transaction never uses
-- (gaps) and that commit out of order (a reader could pass cursor 8 before 7 is visible, and
-- skip 7 for ever). So the next cursor is this one row, updated by the emitting transaction:
-- its row lock is held until that transaction commits, so cursors are taken one transaction at
-- a time, in commit order, and a rollback gives its numbers back.
CREATE TABLE feed_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL
);
INSERT INTO feed_head (one, seq) VALUES (true, 0);
CREATE TABLE outbox (
  seq bigint PRIMARY KEY,        -- the feed cursor, from feed_head
  contract_id text NOT NULL,
  revision bigint NOT NULL,
  event_id text NOT NULL UNIQUE,
  payload bytea NOT NULL,
  relayed boolean NOT NULL DEFAULT false
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE NOT relayed;

-- +goose Down
DROP TABLE outbox;
DROP TABLE feed_head;
DROP TABLE scores;
DROP TABLE crossings;
DROP TABLE payables;
DROP TABLE charges;
DROP TABLE applied;
DROP TABLE contracts;

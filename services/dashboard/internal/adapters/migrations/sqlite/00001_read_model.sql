-- The read model as the dashboard created it before versioned migrations: every statement is
-- IF NOT EXISTS, so an existing dashboard.db adopts version 1 keeping its rows, and a new one is
-- created. Written for SQLite; migrations/postgres holds the same model for PostgreSQL.

-- +goose Up
CREATE TABLE IF NOT EXISTS applied (
  event_id TEXT PRIMARY KEY,
  digest BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journeys (
  journey_id TEXT PRIMARY KEY,
  pathway_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  pcn TEXT NOT NULL,
  segment INTEGER NOT NULL,
  referred_at INTEGER,
  triaged_at INTEGER,
  triage_breached INTEGER NOT NULL DEFAULT 0,
  discharged_at INTEGER,
  cancelled_at INTEGER
);
CREATE INDEX IF NOT EXISTS journeys_dims ON journeys (pathway_id, pcn, segment);
CREATE INDEX IF NOT EXISTS journeys_referred ON journeys (referred_at);
CREATE INDEX IF NOT EXISTS journeys_triaged ON journeys (triaged_at);
CREATE INDEX IF NOT EXISTS journeys_discharged ON journeys (discharged_at);
CREATE TABLE IF NOT EXISTS rtt_clocks (
  journey_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  PRIMARY KEY (journey_id, started_at)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rtt_started ON rtt_clocks (started_at);
CREATE TABLE IF NOT EXISTS interventions (
  journey_id TEXT NOT NULL,
  intervention_id TEXT NOT NULL,
  code TEXT NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  scheduled_at INTEGER,
  completed_at INTEGER,
  dna_at INTEGER,
  price_pence INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (journey_id, intervention_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS measure_pairs (
  journey_id TEXT NOT NULL,
  measure TEXT NOT NULL,
  baseline REAL,
  baseline_scale TEXT,
  latest REAL,
  latest_scale TEXT,
  latest_at INTEGER,
  PRIMARY KEY (journey_id, measure)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_latest ON measure_pairs (latest_at);
CREATE INDEX IF NOT EXISTS journeys_pcn ON journeys (pcn, segment);
CREATE TABLE IF NOT EXISTS admissions (
  journey_id TEXT NOT NULL,
  admission_id TEXT NOT NULL,
  admitted_at INTEGER NOT NULL,
  discharged_at INTEGER NOT NULL,
  -- discharge_day numbers the London date of the discharge (days since 1970-01-01).
  discharge_day INTEGER NOT NULL,
  -- gap_days: London calendar days from this discharge to the next admission of the journey
  -- that began on or after it; NULL while there is none.
  gap_days INTEGER,
  PRIMARY KEY (journey_id, admission_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS admissions_discharged ON admissions (discharged_at);

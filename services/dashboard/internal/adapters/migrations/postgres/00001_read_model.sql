-- The read model on PostgreSQL: the tables of migrations/sqlite/00001_read_model.sql with
-- PostgreSQL's types (times are Unix seconds in bigint, digests bytea, scores double precision).
-- Text keys the figures list in order use the "C" collation, so PostgreSQL sorts them by byte as
-- SQLite does.

-- +goose Up
CREATE TABLE applied (
  event_id text PRIMARY KEY,
  digest bytea NOT NULL
);
CREATE TABLE journeys (
  journey_id text PRIMARY KEY,
  pathway_id text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  pcn text COLLATE "C" NOT NULL,
  segment bigint NOT NULL,
  referred_at bigint,
  triaged_at bigint,
  triage_breached bigint NOT NULL DEFAULT 0,
  discharged_at bigint,
  cancelled_at bigint
);
CREATE INDEX journeys_dims ON journeys (pathway_id, pcn, segment);
CREATE INDEX journeys_referred ON journeys (referred_at);
CREATE INDEX journeys_triaged ON journeys (triaged_at);
CREATE INDEX journeys_discharged ON journeys (discharged_at);
CREATE INDEX journeys_pcn ON journeys (pcn, segment);
CREATE TABLE rtt_clocks (
  journey_id text NOT NULL,
  started_at bigint NOT NULL,
  ended_at bigint,
  PRIMARY KEY (journey_id, started_at)
);
CREATE INDEX rtt_started ON rtt_clocks (started_at);
CREATE TABLE interventions (
  journey_id text NOT NULL,
  intervention_id text NOT NULL,
  code text NOT NULL,
  provider text NOT NULL DEFAULT '',
  scheduled_at bigint,
  completed_at bigint,
  dna_at bigint,
  price_pence bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (journey_id, intervention_id)
);
CREATE TABLE measure_pairs (
  journey_id text NOT NULL,
  measure text NOT NULL,
  baseline double precision,
  baseline_scale text,
  latest double precision,
  latest_scale text,
  latest_at bigint,
  PRIMARY KEY (journey_id, measure)
);
CREATE INDEX pairs_latest ON measure_pairs (latest_at);
CREATE TABLE admissions (
  journey_id text NOT NULL,
  admission_id text NOT NULL,
  admitted_at bigint NOT NULL,
  discharged_at bigint NOT NULL,
  -- discharge_day numbers the London date of the discharge (days since 1970-01-01).
  discharge_day bigint NOT NULL,
  -- gap_days: London calendar days from this discharge to the next admission of the journey
  -- that began on or after it; NULL while there is none.
  gap_days bigint,
  PRIMARY KEY (journey_id, admission_id)
);
CREATE INDEX admissions_discharged ON admissions (discharged_at);

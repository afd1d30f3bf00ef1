package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the read model in one SQLite database (WAL, synchronous=FULL). It is safe for
// concurrent use: writes are serialised by SQLite, reads run alongside them.
type Store struct {
	db *sql.DB
}

const schema = `
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
`

// OpenStore opens (creating if needed) the read model at path.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(ON)") // a purge zeroes the rows it deletes
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open read model %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("create read model schema in %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB is the database (the benchmark's raw SQL baseline reads it).
func (s *Store) DB() *sql.DB { return s.db }

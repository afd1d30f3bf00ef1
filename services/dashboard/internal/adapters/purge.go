package adapters

import (
	"context"
	"fmt"
	"strings"
)

// purgeBatch bounds the journeys one purge transaction deletes.
const purgeBatch = 2000

// purgeable selects closed journeys none of whose recorded times is at or after the cutoff (?1):
// discharged or cancelled before it, with every milestone, clock, intervention, score and
// admission before it too, and no RTT clock still running. Deleting them changes no figure of any
// month starting at or after the cutoff.
const purgeable = `SELECT j.journey_id FROM journeys j
WHERE (j.discharged_at IS NOT NULL OR j.cancelled_at IS NOT NULL)
	AND MAX(COALESCE(j.referred_at,0), COALESCE(j.triaged_at,0), COALESCE(j.discharged_at,0), COALESCE(j.cancelled_at,0)) < ?1
	AND NOT EXISTS (SELECT 1 FROM rtt_clocks c WHERE c.journey_id = j.journey_id AND (c.ended_at IS NULL OR MAX(c.started_at, c.ended_at) >= ?1))
	AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.journey_id = j.journey_id
		AND MAX(COALESCE(i.scheduled_at,0), COALESCE(i.completed_at,0), COALESCE(i.dna_at,0)) >= ?1)
	AND NOT EXISTS (SELECT 1 FROM measure_pairs p WHERE p.journey_id = j.journey_id AND COALESCE(p.latest_at,0) >= ?1)
	AND NOT EXISTS (SELECT 1 FROM admissions a WHERE a.journey_id = j.journey_id AND MAX(a.admitted_at, a.discharged_at) >= ?1)
LIMIT ?2`

// Purge implements app.ReadModel: it deletes every row of the journeys purgeable before cutoff
// (Unix seconds), each batch of journeys with all their rows in one transaction, and returns how
// many journeys went. The applied event IDs stay, so a fact of a purged journey pushed again is a
// duplicate and brings nothing back. With secure_delete the freed pages are zeroed, and a
// checkpoint afterwards empties the write-ahead log of the old pages.
func (s *Store) Purge(ctx context.Context, cutoff int64) (int, error) {
	total := 0
	for {
		n, err := s.purgeBatch(ctx, cutoff)
		total += n
		if err != nil {
			return total, err
		}
		if n < purgeBatch {
			break
		}
	}
	if total > 0 {
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return total, fmt.Errorf("checkpoint after purge: %w", err)
		}
	}
	return total, nil
}

func (s *Store) purgeBatch(ctx context.Context, cutoff int64) (n int, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin purge: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	steps := []string{
		`CREATE TEMP TABLE IF NOT EXISTS purge_ids (journey_id TEXT PRIMARY KEY) WITHOUT ROWID`,
		`DELETE FROM temp.purge_ids`,
		`INSERT INTO temp.purge_ids ` + purgeable,
	}
	for _, table := range []string{"rtt_clocks", "interventions", "measure_pairs", "admissions", "journeys"} {
		steps = append(steps, `DELETE FROM `+table+` WHERE journey_id IN (SELECT journey_id FROM temp.purge_ids)`)
	}
	for i, q := range steps {
		var args []any
		if strings.Contains(q, "?1") {
			args = []any{cutoff, purgeBatch}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("purge read model: %w", err)
		}
		if i == len(steps)-1 {
			m, _ := res.RowsAffected() // the sqlite driver always reports it
			n = int(m)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit purge: %w", err)
	}
	return n, nil
}

package adapters

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// purgeBatch bounds the journeys one purge transaction deletes.
const purgeBatch = 2000

// purgeTables hold a journey's rows, journeys last.
var purgeTables = []string{"rtt_clocks", "interventions", "measure_pairs", "admissions", "journeys"}

// purgeable holds of a closed journey (alias j) none of whose recorded times is at or after the
// cutoff (?1): discharged or cancelled before it, with every milestone, clock, intervention,
// score and admission before it too, and no RTT clock still running. Deleting such journeys
// changes no figure of any month starting at or after the cutoff. GREATEST is the largest of
// its arguments (SQLite's MAX with several arguments; purgeCondition rewrites it).
const purgeable = `(j.discharged_at IS NOT NULL OR j.cancelled_at IS NOT NULL)
	AND GREATEST(COALESCE(j.referred_at,0), COALESCE(j.triaged_at,0), COALESCE(j.discharged_at,0), COALESCE(j.cancelled_at,0)) < ?1
	AND NOT EXISTS (SELECT 1 FROM rtt_clocks c WHERE c.journey_id = j.journey_id AND (c.ended_at IS NULL OR GREATEST(c.started_at, c.ended_at) >= ?1))
	AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.journey_id = j.journey_id
		AND GREATEST(COALESCE(i.scheduled_at,0), COALESCE(i.completed_at,0), COALESCE(i.dna_at,0)) >= ?1)
	AND NOT EXISTS (SELECT 1 FROM measure_pairs p WHERE p.journey_id = j.journey_id AND COALESCE(p.latest_at,0) >= ?1)
	AND NOT EXISTS (SELECT 1 FROM admissions a WHERE a.journey_id = j.journey_id AND GREATEST(a.admitted_at, a.discharged_at) >= ?1)`

func purgeCondition(engine migrate.Engine) string {
	if engine == migrate.SQLite {
		return strings.ReplaceAll(purgeable, "GREATEST(", "MAX(")
	}
	return purgeable
}

// Purge implements app.ReadModel: it deletes every row of the journeys purgeable before cutoff
// (Unix seconds), each batch of journeys with all their rows in one transaction, and returns how
// many journeys went. The applied event IDs stay, so a fact of a purged journey pushed again is a
// duplicate and brings nothing back. On SQLite, with secure_delete the freed pages are zeroed,
// and a checkpoint afterwards empties the write-ahead log of the old pages. On PostgreSQL
// replicas may purge at once and while facts are applied: see purgeBatchPostgres.
func (s *Store) Purge(ctx context.Context, cutoff int64) (int, error) {
	total := 0
	for {
		var n int
		var more bool
		err := s.inTx(ctx, "purge", func(tx *txn) error {
			var err error
			if s.engine == migrate.Postgres {
				n, more, err = purgeBatchPostgres(ctx, tx, cutoff)
			} else {
				n, err = purgeBatchSQLite(ctx, tx, cutoff)
				more = n == purgeBatch
			}
			if err != nil || n == 0 {
				return err
			}
			return tx.notifyChanged(ctx)
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			break
		}
	}
	if total > 0 && s.engine == migrate.SQLite {
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return total, fmt.Errorf("checkpoint after purge: %w", err)
		}
	}
	return total, nil
}

func purgeBatchSQLite(ctx context.Context, tx *txn, cutoff int64) (int, error) {
	steps := []string{
		`CREATE TEMP TABLE IF NOT EXISTS purge_ids (journey_id TEXT PRIMARY KEY) WITHOUT ROWID`,
		`DELETE FROM temp.purge_ids`,
		`INSERT INTO temp.purge_ids SELECT j.journey_id FROM journeys j WHERE ` + purgeCondition(migrate.SQLite) + ` LIMIT ?2`,
	}
	for _, table := range purgeTables {
		steps = append(steps, `DELETE FROM `+table+` WHERE journey_id IN (SELECT journey_id FROM temp.purge_ids)`)
	}
	n := 0
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
	return n, nil
}

// purgeBatchPostgres locks the journeys rows of a batch of purgeable journeys, skipping those
// another transaction holds (a replica applying a fact to one, or purging it), then checks them
// again now that nothing can change them (a fact committed between the first look and the lock
// keeps its journey) and deletes their rows. A fact of the journey arriving meanwhile waits on
// the journeys row and, once the purge commits, starts the journey afresh, as it would after a
// purge on SQLite. It reports how many journeys went and whether a whole batch was found (there
// may be more).
func purgeBatchPostgres(ctx context.Context, tx *txn, cutoff int64) (n int, more bool, err error) {
	cond := purgeCondition(migrate.Postgres)
	candidates, err := journeyIDs(ctx, tx, `SELECT j.journey_id FROM journeys j WHERE `+cond+`
		ORDER BY j.journey_id LIMIT ?2 FOR UPDATE OF j SKIP LOCKED`, cutoff, purgeBatch)
	if err != nil || len(candidates) == 0 {
		return 0, false, err
	}
	more = len(candidates) == purgeBatch
	ids, err := journeyIDs(ctx, tx, `SELECT j.journey_id FROM journeys j WHERE j.journey_id = ANY(?2) AND `+cond, cutoff, candidates)
	if err != nil || len(ids) == 0 {
		return 0, more, err
	}
	for _, table := range purgeTables {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE journey_id = ANY($1)`, ids)
		if err != nil {
			return 0, false, fmt.Errorf("purge read model: %w", err)
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, false, fmt.Errorf("purge read model: %w", err)
		}
		n = int(m)
	}
	return n, more, nil
}

func journeyIDs(ctx context.Context, tx *txn, query string, args ...any) ([]string, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("purgeable journeys: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan purgeable journey: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read purgeable journeys: %w", err)
	}
	return ids, nil
}

package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
)

// where returns the journeys filter (alias j) and its arguments.
func where(d app.Dims) (string, []any) {
	var conds []string
	var args []any
	if d.PathwayID != "" {
		conds, args = append(conds, "j.pathway_id = ?"), append(args, d.PathwayID)
	}
	if d.PCN != "" {
		conds, args = append(conds, "j.pcn = ?"), append(args, d.PCN)
	}
	if d.Segment != 0 {
		conds, args = append(conds, "j.segment = ?"), append(args, int32(d.Segment))
	}
	if len(conds) == 0 {
		return "1=1", nil
	}
	return strings.Join(conds, " AND "), args
}

func (s *Store) each(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("query read model: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read read model: %w", err)
	}
	return nil
}

// EachJourney implements app.ReadModel.
func (s *Store) EachJourney(ctx context.Context, d app.Dims, w app.Window, fn func(app.JourneyRow) error) error {
	cond, args := where(d)
	q := `SELECT COALESCE(j.referred_at,0), COALESCE(j.triaged_at,0), COALESCE(j.discharged_at,0), COALESCE(j.cancelled_at,0),
		j.triage_breached,
		CASE WHEN j.discharged_at >= ? AND j.discharged_at < ? THEN
			(SELECT CAST(COALESCE(SUM(i.price_pence),0) AS BIGINT) FROM interventions i WHERE i.journey_id = j.journey_id AND i.completed_at IS NOT NULL)
		ELSE 0 END
		FROM journeys j WHERE ` + cond + ` AND j.referred_at < ?
		AND (j.referred_at >= ? OR j.triaged_at IS NULL OR j.triaged_at >= ? OR j.discharged_at >= ?)`
	args = append([]any{w.From, w.To}, args...)
	return s.each(ctx, q, append(args, w.To, w.From, w.From, w.From), func(rows *sql.Rows) error {
		var r app.JourneyRow
		if err := rows.Scan(&r.ReferredAt, &r.TriagedAt, &r.DischargedAt, &r.CancelledAt, &r.TriageBreached, &r.CostPence); err != nil {
			return fmt.Errorf("scan journey: %w", err)
		}
		return fn(r)
	})
}

// EachClock implements app.ReadModel.
func (s *Store) EachClock(ctx context.Context, d app.Dims, w app.Window, fn func(app.ClockRow) error) error {
	cond, args := where(d)
	q := `SELECT c.started_at, COALESCE(c.ended_at,0) FROM rtt_clocks c JOIN journeys j ON j.journey_id = c.journey_id
		WHERE ` + cond + ` AND c.started_at < ? AND (c.ended_at IS NULL OR c.ended_at >= ?)`
	return s.each(ctx, q, append(args, w.To, w.From), func(rows *sql.Rows) error {
		var r app.ClockRow
		if err := rows.Scan(&r.StartedAt, &r.EndedAt); err != nil {
			return fmt.Errorf("scan clock: %w", err)
		}
		return fn(r)
	})
}

// EachIntervention implements app.ReadModel.
func (s *Store) EachIntervention(ctx context.Context, d app.Dims, w app.Window, fn func(app.InterventionRow) error) error {
	cond, args := where(d)
	q := `SELECT i.code, i.provider, COALESCE(i.scheduled_at,0), COALESCE(i.completed_at,0), COALESCE(i.dna_at,0), i.price_pence
		FROM interventions i JOIN journeys j ON j.journey_id = i.journey_id WHERE ` + cond + `
		AND ((i.scheduled_at >= ? AND i.scheduled_at < ?) OR (i.completed_at >= ? AND i.completed_at < ?) OR (i.dna_at >= ? AND i.dna_at < ?))`
	args = append(args, w.From, w.To, w.From, w.To, w.From, w.To)
	return s.each(ctx, q, args, func(rows *sql.Rows) error {
		var r app.InterventionRow
		if err := rows.Scan(&r.Code, &r.Provider, &r.ScheduledAt, &r.CompletedAt, &r.DNAAt, &r.PricePence); err != nil {
			return fmt.Errorf("scan intervention: %w", err)
		}
		return fn(r)
	})
}

// EachPair implements app.ReadModel.
func (s *Store) EachPair(ctx context.Context, d app.Dims, w app.Window, fn func(app.PairRow) error) error {
	cond, args := where(d)
	q := `SELECT j.pathway_id, j.version, p.measure, p.baseline IS NOT NULL, COALESCE(p.baseline,0), COALESCE(p.baseline_scale,''),
		p.latest, COALESCE(p.latest_scale,''), p.latest_at
		FROM measure_pairs p JOIN journeys j ON j.journey_id = p.journey_id
		WHERE ` + cond + ` AND p.latest_at >= ? AND p.latest_at < ?`
	return s.each(ctx, q, append(args, w.From, w.To), func(rows *sql.Rows) error {
		var r app.PairRow
		if err := rows.Scan(&r.PathwayID, &r.Version, &r.Measure, &r.HasBaseline, &r.Baseline, &r.BaselineScale,
			&r.Latest, &r.LatestScale, &r.LatestAt); err != nil {
			return fmt.Errorf("scan measure pair: %w", err)
		}
		return fn(r)
	})
}

// Dimensions implements app.ReadModel.
func (s *Store) Dimensions(ctx context.Context) (pathways, pcns []string, first, last int64, err error) {
	col := func(q string) ([]string, error) {
		var out []string
		err := s.each(ctx, q, nil, func(rows *sql.Rows) error {
			var v string
			if err := rows.Scan(&v); err != nil {
				return fmt.Errorf("scan dimension: %w", err)
			}
			out = append(out, v)
			return nil
		})
		return out, err
	}
	if pathways, err = col(distinct("pathway_id")); err != nil {
		return nil, nil, 0, 0, err
	}
	if pcns, err = col(distinct("pcn")); err != nil {
		return nil, nil, 0, 0, err
	}
	err = s.db.QueryRowContext(ctx, s.q(`SELECT COALESCE(MIN(referred_at),0), COALESCE(MAX(referred_at),0) FROM journeys`)).Scan(&first, &last)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("referral range: %w", err)
	}
	return pathways, pcns, first, last, nil
}

// distinct lists the distinct values of an indexed journeys column in order, jumping from one
// value to the next through the index rather than reading every journey.
func distinct(col string) string {
	return `WITH RECURSIVE v(x) AS (SELECT MIN(` + col + `) FROM journeys
		UNION ALL SELECT (SELECT MIN(` + col + `) FROM journeys WHERE ` + col + ` > v.x) FROM v WHERE v.x IS NOT NULL)
	SELECT x FROM v WHERE x IS NOT NULL`
}

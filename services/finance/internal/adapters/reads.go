package adapters

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
)

// reader answers the ledger's queries from committed data, on either engine: the queries are
// written with ? placeholders and bind rewrites them for the engine (PostgreSQL's $1, $2, ...).
type reader struct {
	read *sql.DB
	bind func(string) string
}

// Contract reads a committed contract and its totals.
func (s *reader) Contract(ctx context.Context, id string) (app.ContractRow, bool, error) {
	return scanContract(s.read.QueryRowContext(ctx,
		s.bind("SELECT doc, released, spent, activities, settled FROM contracts WHERE id = ?"), id))
}

// ContractIDs lists every contract, in ID order.
func (s *reader) ContractIDs(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT id FROM contracts ORDER BY id")
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
}

// spendByQueries holds the fixed query of each grouping column SpendBy accepts.
var spendByQueries = map[app.Grouping]string{
	app.ByProvider:     "SELECT provider, CAST(SUM(price) AS BIGINT), COUNT(*) FROM charges WHERE contract_id = ? GROUP BY 1 ORDER BY 1",
	app.ByIntervention: "SELECT intervention_code, CAST(SUM(price) AS BIGINT), COUNT(*) FROM charges WHERE contract_id = ? GROUP BY 1 ORDER BY 1",
	app.ByMonth:        "SELECT month, CAST(SUM(price) AS BIGINT), COUNT(*) FROM charges WHERE contract_id = ? GROUP BY 1 ORDER BY 1",
}

// SpendBy groups a contract's spend by provider, intervention code or month, in key order.
func (s *reader) SpendBy(ctx context.Context, contract string, by app.Grouping) ([]app.SpendLine, error) {
	q, ok := spendByQueries[by]
	if !ok {
		return nil, fmt.Errorf("spend by %q: not a grouping", by)
	}
	rows, err := s.read.QueryContext(ctx, s.bind(q), contract)
	return collect(rows, err, func(r *sql.Rows) (app.SpendLine, error) {
		var l app.SpendLine
		return l, r.Scan(&l.Key, &l.SpentPence, &l.Activities)
	})
}

// Statement lists a provider's charges under a contract by month and intervention; month ""
// means every month.
func (s *reader) Statement(ctx context.Context, contract, provider, month string) ([]app.StatementLine, error) {
	q := `SELECT month, intervention_code, COUNT(*), CAST(SUM(price) AS BIGINT) FROM charges
		WHERE contract_id = ? AND provider = ? AND (CAST(? AS TEXT) = '' OR month = ?) GROUP BY 1, 2 ORDER BY 1, 2`
	rows, err := s.read.QueryContext(ctx, s.bind(q), contract, provider, month, month)
	return collect(rows, err, func(r *sql.Rows) (app.StatementLine, error) {
		var l app.StatementLine
		return l, r.Scan(&l.Month, &l.InterventionCode, &l.Activities, &l.AmountPence)
	})
}

// MonthCharges lists a contract's charges of one month, by time then event ID.
func (s *reader) MonthCharges(ctx context.Context, contract, month string) ([]app.Charge, error) {
	q := `SELECT event_id, contract_id, month, provider, intervention_code, intervention_id, journey_id, occurred_at,
		price, pcn, segment FROM charges WHERE contract_id = ? AND month = ? ORDER BY occurred_at, event_id`
	rows, err := s.read.QueryContext(ctx, s.bind(q), contract, month)
	return collect(rows, err, func(r *sql.Rows) (app.Charge, error) {
		var c app.Charge
		var at string
		if err := r.Scan(&c.EventID, &c.ContractID, &c.Month, &c.Provider, &c.InterventionCode, &c.InterventionID,
			&c.JourneyID, &at, &c.PricePence, &c.PCN, &c.Segment); err != nil {
			return c, err
		}
		var err error
		if c.OccurredAt, err = time.Parse(TimeLayout, at); err != nil {
			return c, fmt.Errorf("charge %s occurred_at: %w", c.EventID, err)
		}
		return c, nil
	})
}

// Scores returns, for each journey of pathway with a score of measure at point under contract,
// that score and the journey's baseline score of the measure (if any), in journey order.
func (s *reader) Scores(ctx context.Context, contract, pathway, measure, point string) ([]app.ScorePair, error) {
	q := `SELECT f.journey_id, f.value, b.value FROM scores f
		LEFT JOIN scores b ON b.pathway_id = f.pathway_id AND b.journey_id = f.journey_id AND b.point = 'baseline' AND b.measure = f.measure
		WHERE f.contract_id = ? AND f.pathway_id = ? AND f.measure = ? AND f.point = ? ORDER BY f.journey_id`
	rows, err := s.read.QueryContext(ctx, s.bind(q), contract, pathway, measure, point)
	return collect(rows, err, func(r *sql.Rows) (app.ScorePair, error) {
		var p app.ScorePair
		var base sql.NullFloat64
		err := r.Scan(&p.JourneyID, &p.FollowUp, &base)
		if base.Valid {
			p.Baseline = &base.Float64
		}
		return p, err
	})
}

// Outbox returns up to limit outbox events after seq, in order.
func (s *reader) Outbox(ctx context.Context, after uint64, limit int) ([]app.OutboxEvent, error) {
	q := "SELECT seq, contract_id, revision, event_id, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"
	rows, err := s.read.QueryContext(ctx, s.bind(q), after, limit)
	return collect(rows, err, scanOutbox)
}

// Pending returns up to limit outbox events not yet relayed, in order.
func (s *Store) Pending(ctx context.Context, limit int) ([]app.OutboxEvent, error) {
	q := "SELECT seq, contract_id, revision, event_id, payload FROM outbox WHERE relayed = 0 ORDER BY seq LIMIT ?"
	rows, err := s.read.QueryContext(ctx, s.bind(q), limit)
	return collect(rows, err, scanOutbox)
}

// MarkRelayed marks outbox events as stored in the event store.
func (s *Store) MarkRelayed(ctx context.Context, seqs []uint64) error {
	return s.update(ctx, func(tx *Tx) error { return tx.MarkRelayed(seqs) })
}

func scanOutbox(r *sql.Rows) (app.OutboxEvent, error) {
	var e app.OutboxEvent
	return e, r.Scan(&e.Seq, &e.ContractID, &e.Revision, &e.EventID, &e.Payload)
}

// collect scans every row of a query with scan.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) (_ []T, retErr error) {
	if err != nil {
		return nil, fmt.Errorf("query ledger: %w", err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil && retErr == nil {
			retErr = fmt.Errorf("close ledger rows: %w", cerr)
		}
	}()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan ledger row: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query ledger: %w", err)
	}
	return out, nil
}

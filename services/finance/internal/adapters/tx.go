package adapters

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
)

// Tx is one write inside a ledger transaction. It is valid only inside the Update callback.
type Tx struct {
	ctx   context.Context
	tx    *sql.Tx
	store *Store
}

// exec runs a write through the store's prepared statement for query.
func (t *Tx) exec(query string, args ...any) (_ sql.Result, err error) {
	st, err := t.store.stmt(t.ctx, query)
	if err != nil {
		return nil, err
	}
	ts := t.tx.StmtContext(t.ctx, st)
	defer closeStmt(ts, &err)
	return ts.ExecContext(t.ctx, args...)
}

// scanRow runs a one-row query through the store's prepared statement for query and scans
// the row into dest (sql.ErrNoRows when there is none).
func (t *Tx) scanRow(query string, args []any, dest ...any) (err error) {
	st, err := t.store.stmt(t.ctx, query)
	if err != nil {
		return err
	}
	ts := t.tx.StmtContext(t.ctx, st)
	defer closeStmt(ts, &err)
	return ts.QueryRowContext(t.ctx, args...).Scan(dest...)
}

// closeStmt closes a transaction's copy of a prepared statement (the prepared statement itself
// stays open), reporting a failure in *err unless it already holds one.
func closeStmt(ts *sql.Stmt, err *error) {
	if cerr := ts.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close ledger statement: %w", cerr)
	}
}

// AppliedHash returns the payload hash an event ID was applied with, if it was.
func (t *Tx) AppliedHash(id string) ([]byte, bool, error) {
	var h []byte
	err := t.scanRow(q0, []any{id}, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read applied event %s: %w", id, err)
	}
	return h, true, nil
}

// MarkApplied records that event ID id was applied with payload hash h.
func (t *Tx) MarkApplied(id string, h []byte) error {
	if _, err := t.exec(q1, id, h); err != nil {
		return fmt.Errorf("record applied event %s: %w", id, err)
	}
	return nil
}

// Contract reads a contract and its totals.
func (t *Tx) Contract(id string) (app.ContractRow, bool, error) {
	return scanContract(t.tx.QueryRowContext(t.ctx,
		"SELECT doc, released, spent, activities, settled FROM contracts WHERE id = ?", id))
}

type rowScanner interface{ Scan(dest ...any) error }

func scanContract(r rowScanner) (app.ContractRow, bool, error) {
	var row app.ContractRow
	var doc []byte
	err := r.Scan(&doc, &row.Released, &row.Spent, &row.Activities, &row.Settled)
	if errors.Is(err, sql.ErrNoRows) {
		return row, false, nil
	}
	if err != nil {
		return row, false, fmt.Errorf("read contract: %w", err)
	}
	if err := json.Unmarshal(doc, &row.Contract); err != nil {
		return row, false, fmt.Errorf("decode contract: %w", err)
	}
	return row, true, nil
}

// PutContract inserts or replaces a contract and its totals (the stream revision is kept).
func (t *Tx) PutContract(row app.ContractRow) error {
	doc, err := json.Marshal(row.Contract)
	if err != nil {
		return fmt.Errorf("encode contract %s: %w", row.Contract.ID, err)
	}
	_, err = t.exec(q2,
		row.Contract.ID, doc, row.Released, row.Spent, row.Activities, row.Settled)
	if err != nil {
		return fmt.Errorf("write contract %s: %w", row.Contract.ID, err)
	}
	return nil
}

// PutTotals writes a contract's running totals (released periods, spend, activities, settled),
// leaving its terms as they are.
func (t *Tx) PutTotals(row app.ContractRow) error {
	_, err := t.exec(q3,
		row.Released, row.Spent, row.Activities, row.Settled, row.Contract.ID)
	if err != nil {
		return fmt.Errorf("write contract totals %s: %w", row.Contract.ID, err)
	}
	return nil
}

// InsertCharge records a costed activity.
func (t *Tx) InsertCharge(c app.Charge) error {
	_, err := t.exec(q4, c.EventID, c.ContractID, c.Month, c.Provider, c.InterventionCode, c.InterventionID, c.JourneyID,
		c.OccurredAt.UTC().Format(TimeLayout), c.PricePence, c.PCN, c.Segment)
	if err != nil {
		return fmt.Errorf("record charge %s: %w", c.EventID, err)
	}
	return nil
}

// AddPayable adds amount to what provider is owed under contract and returns the new total.
func (t *Tx) AddPayable(contract, provider string, amount int64) (int64, error) {
	var total int64
	err := t.scanRow(q5, []any{contract, provider, amount}, &total)
	if err != nil {
		return 0, fmt.Errorf("record payable: %w", err)
	}
	return total, nil
}

// MarkCrossed records a threshold crossing and reports whether it is new.
func (t *Tx) MarkCrossed(contract, key string) (bool, error) {
	res, err := t.exec(q6, contract, key)
	if err != nil {
		return false, fmt.Errorf("record threshold crossing: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PutScore records a score, keeping the latest (by occurred_at) per journey, point and measure.
func (t *Tx) PutScore(s app.Score) error {
	_, err := t.exec(q7,
		s.PathwayID, s.JourneyID, s.Point, s.Measure, s.Value, s.OccurredAt.UTC().Format(TimeLayout), s.ContractID)
	if err != nil {
		return fmt.Errorf("record score: %w", err)
	}
	return nil
}

// Emit appends an event to the contract's outbox at the stream's next revision, returning that
// revision. The event ID must be deterministic for the fact, so the relay can retry.
func (t *Tx) Emit(contract, eventID string, payload []byte) (uint64, error) {
	var rev uint64
	err := t.scanRow(q8, []any{contract}, &rev)
	if err != nil {
		return 0, fmt.Errorf("next revision of contract %s: %w", contract, err)
	}
	if _, err := t.exec(q9,
		contract, rev, eventID, payload); err != nil {
		return 0, fmt.Errorf("write outbox event %s: %w", eventID, err)
	}
	return rev, nil
}

// MarkRelayed marks outbox events as stored in the event store.
func (t *Tx) MarkRelayed(seqs []uint64) error {
	for _, s := range seqs {
		if _, err := t.exec(q10, s); err != nil {
			return fmt.Errorf("mark outbox event %d relayed: %w", s, err)
		}
	}
	return nil
}

// TimeLayout is how times are stored: UTC, fixed width, so text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// The ledger's write statements, prepared once when the store opens.
const (
	q0 = "SELECT hash FROM applied WHERE event_id = ?"
	q1 = "INSERT INTO applied (event_id, hash) VALUES (?, ?)"
	q2 = `INSERT INTO contracts (id, doc, released, next_rev, spent, activities, settled)
		VALUES (?, ?, ?, 0, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, released = excluded.released,
		spent = excluded.spent, activities = excluded.activities, settled = excluded.settled`
	q3 = "UPDATE contracts SET released = ?, spent = ?, activities = ?, settled = ? WHERE id = ?"
	q4 = `INSERT INTO charges (event_id, contract_id, month, provider, intervention_code,
		intervention_id, journey_id, occurred_at, price, pcn, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	q5 = `INSERT INTO payables (contract_id, provider, amount) VALUES (?, ?, ?)
		ON CONFLICT (contract_id, provider) DO UPDATE SET amount = amount + excluded.amount RETURNING amount`
	q6 = "INSERT OR IGNORE INTO crossings (contract_id, key) VALUES (?, ?)"
	q7 = `INSERT INTO scores (pathway_id, journey_id, point, measure, value, occurred_at, contract_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (pathway_id, journey_id, point, measure) DO UPDATE SET value = excluded.value,
		occurred_at = excluded.occurred_at, contract_id = excluded.contract_id WHERE excluded.occurred_at >= scores.occurred_at`
	q8  = "UPDATE contracts SET next_rev = next_rev + 1 WHERE id = ? RETURNING next_rev - 1"
	q9  = "INSERT INTO outbox (contract_id, revision, event_id, payload) VALUES (?, ?, ?, ?)"
	q10 = "UPDATE outbox SET relayed = 1 WHERE seq = ?"
)

// writeQueries lists every write statement, for Open to prepare.
var writeQueries = []string{q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10}

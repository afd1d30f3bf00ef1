package adapters

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// PGStore is the ledger on PostgreSQL, shared by every finance replica: each Update is one READ
// COMMITTED transaction, and what the SQLite store gets from its single writer the PostgreSQL
// store gets from locks held until commit:
//
//   - an ingest event ID is checked and marked under a transaction-scoped advisory lock on the
//     ID, so two replicas given the same event at once apply it once (the second waits, then
//     finds it applied);
//   - a contract's totals are read FOR UPDATE, so concurrent charges to one contract add up;
//   - the feed cursor of each outbox event comes from the one-row feed_head table, whose row
//     lock the emitting transaction holds until it commits: cursors are gap-free (a rollback
//     gives its numbers back) and visible in cursor order (cursor n+1 can only be taken after
//     the transaction holding n has committed), so a follower resuming after n misses nothing.
//
// A transaction that fails on a serialization failure or a deadlock (two emits for different
// contracts can take their locks in opposite orders) is run again from the start, which the
// Ledger contract allows. Each commit notifies the channel finance_ledger, which every replica
// listens on, so feed followers and relays on any replica wake at once.
type PGStore struct {
	reader
	db   *sql.DB
	conf *pgx.ConnConfig

	// AfterCommit, when set before the first Update, runs after each commit and before the
	// writer is answered (the crash tests die there).
	AfterCommit func()

	mu      sync.Mutex
	waiters []chan struct{}

	stop context.CancelFunc
	wg   sync.WaitGroup
}

// The PostgreSQL ledger is the application's ledger and the relay's outbox.
var (
	_ app.Ledger   = (*PGStore)(nil)
	_ app.LedgerTx = (*PGTx)(nil)
	_ Outbox       = (*PGStore)(nil)
	_ Outbox       = (*Store)(nil)
)

// notifyChannel is the PostgreSQL channel every commit notifies.
const notifyChannel = "finance_ledger"

// IsPostgresURL reports whether a ledger setting names a PostgreSQL database rather than a
// SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPG connects to the ledger database at url (postgres://user:password@host:port/db?...),
// brings its schema up to date (under an advisory lock, so replicas starting together migrate
// once) and starts listening for other replicas' commits.
func OpenPG(ctx context.Context, url string) (*PGStore, error) {
	conf, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("ledger: PostgreSQL URL: %w", err)
	}
	db := stdlib.OpenDB(*conf.Copy())
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if _, err := migrate.Up(ctx, db, Schema(migrate.Postgres), slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ledger schema: %w", err)
	}
	s := &PGStore{reader: reader{read: db, bind: pgBind}, db: db, conf: conf}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.wg.Add(1)
	go s.listen(lctx)
	return s, nil
}

// Close stops listening and closes the connections.
func (s *PGStore) Close() error {
	s.stop()
	s.wg.Wait()
	return s.db.Close()
}

// maxAttempts bounds how often Update runs a transaction that keeps meeting serialization
// failures or deadlocks.
const maxAttempts = 20

// Update runs fn in one transaction and returns once it has committed, or fn's error with none
// of its changes kept. fn runs again when the transaction fails on a serialization failure or a
// deadlock.
func (s *PGStore) Update(ctx context.Context, fn func(app.LedgerTx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.try(ctx, fn)
		if err == nil {
			if s.AfterCommit != nil {
				s.AfterCommit()
			}
			s.notify()
			return nil
		}
		if !retryable(err) || attempt == maxAttempts {
			return err
		}
		// A little jitter, so the transactions that deadlocked do not meet again.
		t := time.NewTimer(time.Duration(attempt) * time.Duration(1+rand.IntN(5)) * time.Millisecond) //nolint:gosec // G404: jitter, not a secret
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *PGStore) try(ctx context.Context, fn func(app.LedgerTx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin ledger transaction: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(&PGTx{ctx: ctx, tx: tx}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, '')", notifyChannel); err != nil {
		return fmt.Errorf("notify ledger commit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit ledger transaction: %w", err)
	}
	return nil
}

// retryable reports a serialization failure or a deadlock: the transaction may succeed if run
// again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Changed returns a channel closed at the next commit of any replica (or, at the latest, within
// a few seconds: a follower that missed a notification while the connection was down catches
// up then).
func (s *PGStore) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.waiters = append(s.waiters, ch)
	return ch
}

func (s *PGStore) notify() {
	s.mu.Lock()
	ws := s.waiters
	s.waiters = nil
	s.mu.Unlock()
	for _, ch := range ws {
		close(ch)
	}
}

// listenPoll is how long a waiter waits at most without a notification.
const listenPoll = 2 * time.Second

// listen holds a connection LISTENing on the ledger's channel and wakes the waiters at each
// notification, and every listenPoll in any case; it reconnects when the connection fails.
func (s *PGStore) listen(ctx context.Context) {
	defer s.wg.Done()
	for ctx.Err() == nil {
		if err := s.listenOnce(ctx); err != nil && ctx.Err() == nil {
			slog.DebugContext(ctx, "ledger listener reconnecting", "err", err)
		}
		s.notify() // whatever was committed while nobody listened
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *PGStore) listenOnce(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, s.conf.Copy())
	if err != nil {
		return fmt.Errorf("connect ledger listener: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("listen %s: %w", notifyChannel, err)
	}
	s.notify()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPoll)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil, ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
			s.notify()
		default:
			return err
		}
	}
}

// Pending returns up to limit outbox events not yet relayed, in cursor order. Every replica's
// relay may read the same ones: the relay's append at the ledger's revision, under the event's
// deterministic ID, lets only one copy in.
func (s *PGStore) Pending(ctx context.Context, limit int) ([]app.OutboxEvent, error) {
	q := "SELECT seq, contract_id, revision, event_id, payload FROM outbox WHERE NOT relayed ORDER BY seq LIMIT $1"
	rows, err := s.read.QueryContext(ctx, q, limit)
	return collect(rows, err, scanOutbox)
}

// MarkRelayed marks outbox events as stored in the event store.
func (s *PGStore) MarkRelayed(ctx context.Context, seqs []uint64) error {
	ids := make([]int64, len(seqs))
	for i, n := range seqs {
		ids[i] = int64(n)
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE outbox SET relayed = true WHERE seq = ANY($1)", ids); err != nil {
		return fmt.Errorf("mark outbox events relayed: %w", err)
	}
	return nil
}

// PGTx is one write inside a PostgreSQL ledger transaction, valid only inside the Update
// callback.
type PGTx struct {
	ctx context.Context
	tx  *sql.Tx
}

func (t *PGTx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}

// AppliedHash returns the payload hash an event ID was applied with, if it was. It first takes
// the event ID's advisory lock, so a replica applying the same event waits for this
// transaction's outcome and then sees it.
func (t *PGTx) AppliedHash(id string) ([]byte, bool, error) {
	if _, err := t.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", id); err != nil {
		return nil, false, fmt.Errorf("lock applied event %s: %w", id, err)
	}
	var h []byte
	err := t.tx.QueryRowContext(t.ctx, "SELECT hash FROM applied WHERE event_id = $1", id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read applied event %s: %w", id, err)
	}
	return h, true, nil
}

// MarkApplied records that event ID id was applied with payload hash h.
func (t *PGTx) MarkApplied(id string, h []byte) error {
	if _, err := t.exec("INSERT INTO applied (event_id, hash) VALUES ($1, $2)", id, h); err != nil {
		return fmt.Errorf("record applied event %s: %w", id, err)
	}
	return nil
}

// Contract reads a contract and its totals, locking its row until the transaction ends.
func (t *PGTx) Contract(id string) (app.ContractRow, bool, error) {
	return scanContract(t.tx.QueryRowContext(t.ctx,
		"SELECT doc, released, spent, activities, settled FROM contracts WHERE id = $1 FOR UPDATE", id))
}

// PutContract inserts or replaces a contract and its totals (the stream revision is kept).
func (t *PGTx) PutContract(row app.ContractRow) error {
	doc, err := json.Marshal(row.Contract)
	if err != nil {
		return fmt.Errorf("encode contract %s: %w", row.Contract.ID, err)
	}
	if _, err := t.exec(pgBind(q2), row.Contract.ID, doc, row.Released, row.Spent, row.Activities, row.Settled); err != nil {
		return fmt.Errorf("write contract %s: %w", row.Contract.ID, err)
	}
	return nil
}

// PutTotals writes a contract's running totals, leaving its terms as they are.
func (t *PGTx) PutTotals(row app.ContractRow) error {
	if _, err := t.exec(pgBind(q3), row.Released, row.Spent, row.Activities, row.Settled, row.Contract.ID); err != nil {
		return fmt.Errorf("write contract totals %s: %w", row.Contract.ID, err)
	}
	return nil
}

// InsertCharge records a costed activity.
func (t *PGTx) InsertCharge(c app.Charge) error {
	_, err := t.exec(pgBind(q4), c.EventID, c.ContractID, c.Month, c.Provider, c.InterventionCode, c.InterventionID, c.JourneyID,
		c.OccurredAt.UTC().Format(TimeLayout), c.PricePence, c.PCN, c.Segment)
	if err != nil {
		return fmt.Errorf("record charge %s: %w", c.EventID, err)
	}
	return nil
}

// AddPayable adds amount to what provider is owed under contract and returns the new total.
func (t *PGTx) AddPayable(contract, provider string, amount int64) (int64, error) {
	var total int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO payables (contract_id, provider, amount) VALUES ($1, $2, $3)
		ON CONFLICT (contract_id, provider) DO UPDATE SET amount = payables.amount + excluded.amount RETURNING amount`,
		contract, provider, amount).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("record payable: %w", err)
	}
	return total, nil
}

// MarkCrossed records a threshold crossing and reports whether it is new.
func (t *PGTx) MarkCrossed(contract, key string) (bool, error) {
	res, err := t.exec("INSERT INTO crossings (contract_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING", contract, key)
	if err != nil {
		return false, fmt.Errorf("record threshold crossing: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PutScore records a score, keeping the latest (by occurred_at) per journey, point and measure.
func (t *PGTx) PutScore(s app.Score) error {
	_, err := t.exec(pgBind(q7), s.PathwayID, s.JourneyID, s.Point, s.Measure, s.Value, s.OccurredAt.UTC().Format(TimeLayout), s.ContractID)
	if err != nil {
		return fmt.Errorf("record score: %w", err)
	}
	return nil
}

// Emit appends an event to the contract's outbox at the stream's next revision, under the next
// feed cursor (see PGStore), and returns the revision.
func (t *PGTx) Emit(contract, eventID string, payload []byte) (uint64, error) {
	var rev uint64
	if err := t.tx.QueryRowContext(t.ctx, pgBind(q8), contract).Scan(&rev); err != nil {
		return 0, fmt.Errorf("next revision of contract %s: %w", contract, err)
	}
	var seq int64
	if err := t.tx.QueryRowContext(t.ctx, "UPDATE feed_head SET seq = seq + 1 RETURNING seq").Scan(&seq); err != nil {
		return 0, fmt.Errorf("next feed cursor: %w", err)
	}
	if _, err := t.exec("INSERT INTO outbox (seq, contract_id, revision, event_id, payload) VALUES ($1, $2, $3, $4, $5)",
		seq, contract, rev, eventID, payload); err != nil {
		return 0, fmt.Errorf("write outbox event %s: %w", eventID, err)
	}
	return rev, nil
}

// pgBind rewrites a query's ? placeholders as PostgreSQL's $1, $2, ... (the ledger's queries
// hold no ? inside string literals).
func pgBind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Ledger is a ledger of either engine, as the service runs it.
type Ledger interface {
	app.Ledger
	Outbox
	Close() error
}

// CheckLedger reports what is wrong with a ledger setting: empty, or a PostgreSQL URL that does
// not parse.
func CheckLedger(setting string) error {
	switch {
	case strings.TrimSpace(setting) == "":
		return errors.New("required: a SQLite file path or a postgres:// URL")
	case IsPostgresURL(setting):
		if _, err := pgx.ParseConfig(setting); err != nil {
			return fmt.Errorf("not a valid PostgreSQL URL: %w", err)
		}
	}
	return nil
}

// OpenLedger opens the ledger a setting names: a postgres:// (or postgresql://) URL, otherwise a
// SQLite file. afterCommit, when not nil, runs after each commit before the writer is answered
// (crash tests).
func OpenLedger(ctx context.Context, setting string, afterCommit func()) (Ledger, error) {
	if IsPostgresURL(setting) {
		s, err := OpenPG(ctx, setting)
		if err != nil {
			return nil, err
		}
		s.AfterCommit = afterCommit
		return s, nil
	}
	s, err := Open(ctx, setting)
	if err != nil {
		return nil, err
	}
	s.AfterCommit = afterCommit
	return s, nil
}

package adapters

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// Store is the SQLite ledger. Writes go through Update, which group-commits: transactions
// submitted at the same time share one durable commit (WAL, synchronous=FULL), a failing
// write is taken out and the rest rerun, so it leaves the others intact (see run). Reads use a separate pool and see
// committed data only. Safe for concurrent use.
type Store struct {
	reader
	write *sql.DB
	jobs  chan *job
	done  chan struct{}
	wg    sync.WaitGroup

	// AfterCommit, when set before the first Update, runs after each durable commit and before
	// any writer is answered: the crash tests use it to die between commit and acknowledgement.
	AfterCommit func()

	mu      sync.Mutex
	waiters []chan struct{}

	stmts map[string]*sql.Stmt // read-only after Open
}

// prepare prepares every write statement on the single write connection, before any
// transaction holds it.
func (s *Store) prepare(ctx context.Context) error {
	for _, q := range writeQueries {
		st, err := s.write.PrepareContext(ctx, q) //nolint:sqlclosecheck // kept for the store's life in s.stmts; Close closes every one
		if err != nil {
			return fmt.Errorf("prepare ledger statement %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// stmt returns the prepared statement of query.
func (s *Store) stmt(_ context.Context, query string) (*sql.Stmt, error) {
	st, ok := s.stmts[query]
	if !ok {
		return nil, fmt.Errorf("ledger statement not prepared: %q", query)
	}
	return st, nil
}

type job struct {
	ctx context.Context
	fn  func(*Tx) error
	err chan error
}

// MaxBatch is the most writes one commit takes.
const MaxBatch = 256

// Open opens (creating if needed) the ledger at path and starts its writer. ctx bounds the
// opening; the writer keeps ctx's values but runs until Close.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + url.PathEscape(path) +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	w.SetMaxOpenConns(1)
	if _, err := migrate.Up(ctx, w, Schema(migrate.SQLite), slog.Default()); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("ledger schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open ledger reader: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{reader: reader{read: r, bind: sqliteBind}, write: w, jobs: make(chan *job), done: make(chan struct{}), stmts: map[string]*sql.Stmt{}}
	if err := s.prepare(ctx); err != nil {
		_ = w.Close()
		_ = r.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.writer(context.WithoutCancel(ctx))
	return s, nil
}

// Close stops the writer (after the writes in flight) and closes the database.
func (s *Store) Close() error {
	close(s.done)
	s.wg.Wait()
	for _, st := range s.stmts {
		_ = st.Close()
	}
	return errors.Join(s.write.Close(), s.read.Close())
}

// sqliteBind leaves a query as it is: SQLite takes ? placeholders.
func sqliteBind(q string) string { return q }

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("ledger closed")

// The store is the application's ledger.
var (
	_ app.Ledger   = (*Store)(nil)
	_ app.LedgerTx = (*Tx)(nil)
)

// Update runs fn in a write transaction and returns once its changes are durable (or fn's error,
// with none of fn's changes kept). fn may run more than once: when another write of the same
// group commit fails, the rest are rerun in a fresh transaction (see run).
func (s *Store) Update(ctx context.Context, fn func(app.LedgerTx) error) error {
	return s.update(ctx, func(tx *Tx) error { return fn(tx) })
}

// update is Update for the adapters' own writes (the relay marks events relayed).
func (s *Store) update(ctx context.Context, fn func(*Tx) error) error {
	j := &job{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case s.jobs <- j:
	case <-s.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-j.err
}

// Changed returns a channel closed at the next commit: readers waiting for new data use it.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.waiters = append(s.waiters, ch)
	return ch
}

func (s *Store) notify() {
	s.mu.Lock()
	ws := s.waiters
	s.waiters = nil
	s.mu.Unlock()
	for _, ch := range ws {
		close(ch)
	}
}

// writer group-commits the submitted jobs until Close. ctx is never cancelled: a commit shared
// by several writers must not be cut short by any one of them (each job's own ctx is checked
// in runOne).
func (s *Store) writer(ctx context.Context) {
	defer s.wg.Done()
	for {
		var first *job
		select {
		case first = <-s.jobs:
		case <-s.done:
			return
		}
		batch := []*job{first}
	gather:
		for len(batch) < MaxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break gather
			}
		}
		s.commit(ctx, batch)
	}
}

func (s *Store) commit(ctx context.Context, batch []*job) {
	errs, err := s.run(ctx, batch)
	if err == nil && s.AfterCommit != nil {
		s.AfterCommit()
	}
	for i, j := range batch {
		if err != nil {
			j.err <- err
			continue
		}
		j.err <- errs[i]
	}
	if err == nil {
		s.notify()
	}
}

// run applies the batch in one transaction. A write that fails is taken out and the batch is
// run again from the start in a fresh transaction, so the writes kept see exactly the state
// they would have seen alone and the failed one leaves nothing behind. (Savepoints would do
// the same but cost a statement journal per write.)
func (s *Store) run(ctx context.Context, batch []*job) ([]error, error) {
	errs := make([]error, len(batch))
	for {
		failed, err := s.try(ctx, batch, errs)
		if err != nil {
			return nil, err
		}
		if failed < 0 {
			return errs, nil
		}
	}
}

// try runs the jobs not yet failed; it returns the index of a newly failed job (the transaction
// rolled back) or -1 when every job ran and the transaction committed.
func (s *Store) try(ctx context.Context, batch []*job, errs []error) (int, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin ledger transaction: %w", err)
	}
	for i, j := range batch {
		if errs[i] != nil {
			continue
		}
		if errs[i] = s.runOne(ctx, tx, j); errs[i] != nil {
			if err := tx.Rollback(); err != nil {
				return 0, fmt.Errorf("roll back ledger transaction: %w", err)
			}
			return i, nil
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit ledger transaction: %w", err)
	}
	return -1, nil
}

func (s *Store) runOne(ctx context.Context, tx *sql.Tx, j *job) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	return j.fn(&Tx{ctx: ctx, tx: tx, store: s})
}

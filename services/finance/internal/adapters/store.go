package adapters

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Store is the SQLite ledger. Writes go through Update, which group-commits: transactions
// submitted at the same time share one durable commit (WAL, synchronous=FULL), each inside its
// own savepoint so one failing write leaves the others intact. Reads use a separate pool and see
// committed data only. Safe for concurrent use.
type Store struct {
	write *sql.DB
	read  *sql.DB
	jobs  chan *job
	done  chan struct{}
	wg    sync.WaitGroup

	// AfterCommit, when set before the first Update, runs after each durable commit and before
	// any writer is answered: the crash tests use it to die between commit and acknowledgement.
	AfterCommit func()

	mu      sync.Mutex
	waiters []chan struct{}
}

type job struct {
	ctx  context.Context
	fn   func(*Tx) error
	err  chan error
	done bool
}

// MaxBatch is the most writes one commit takes.
const MaxBatch = 256

// Open opens (creating if needed) the ledger at path and starts its writer.
func Open(path string) (*Store, error) {
	dsn := "file:" + url.PathEscape(path) +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(schema); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("create ledger schema: %w", err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open ledger reader: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{write: w, read: r, jobs: make(chan *job), done: make(chan struct{})}
	s.wg.Add(1)
	go s.writer()
	return s, nil
}

// Close stops the writer (after the writes in flight) and closes the database.
func (s *Store) Close() error {
	close(s.done)
	s.wg.Wait()
	return errors.Join(s.write.Close(), s.read.Close())
}

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("ledger closed")

// Update runs fn in a write transaction and returns once its changes are durable (or fn's error,
// with none of fn's changes kept).
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
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

func (s *Store) writer() {
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
		s.commit(batch)
	}
}

func (s *Store) commit(batch []*job) {
	errs, err := s.run(batch)
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

func (s *Store) run(batch []*job) ([]error, error) {
	ctx := context.Background()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin ledger transaction: %w", err)
	}
	errs := make([]error, len(batch))
	for i, j := range batch {
		errs[i] = s.runOne(ctx, tx, j)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit ledger transaction: %w", err)
	}
	return errs, nil
}

func (s *Store) runOne(ctx context.Context, tx *sql.Tx, j *job) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	ferr := j.fn(&Tx{ctx: ctx, tx: tx})
	if ferr != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
			return errors.Join(ferr, fmt.Errorf("rollback to savepoint: %w", err))
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE w"); err != nil {
		return errors.Join(ferr, fmt.Errorf("release savepoint: %w", err))
	}
	return ferr
}

package adapters

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// On PostgreSQL several replicas apply facts to one database at once. Three things keep that
// equal to applying them one at a time:
//
//   - the applied table's primary key: a fact's event ID is inserted with ON CONFLICT DO
//     NOTHING, so of two replicas pushed the same fact one records it and the other waits for
//     it to commit, then reads its digest and answers duplicate (or ErrReusedEventID);
//   - a transaction-scoped advisory lock per journey (pg_advisory_xact_lock on
//     hashtextextended(journey_id, 0)), taken before any of the journey's rows are read or
//     written and held to commit, so the read-modify-write of a journey's rows (its admissions'
//     gap days, measure pairs, clocks) sees every earlier fact of the journey. A batch takes its
//     journeys' locks in sorted order, so two batches never wait for each other in a circle.
//     (Each fact's first statement, the journeys upsert, also locks the journey's row to commit;
//     the advisory lock keeps the guarantee, and the order, whatever the statements become:
//     TestReplicasApplyingAtOnceGiveTheFiguresOfOneApplyingInTurn loses readmissions when both
//     are taken away, and passes with either.)
//   - a transaction that still fails with a serialization failure or a deadlock (SQLSTATE 40001,
//     40P01; e.g. a purge and a batch meeting on rows) is rolled back and run again.
//
// Each transaction that changed the read model sends a notice on changeChannel at commit, so
// every replica empties its cached figures (WatchChanges).

// changeChannel is the LISTEN/NOTIFY channel of read model changes.
const changeChannel = "dashboard_read_model"

// maxAttempts bounds the runs of a transaction that keeps meeting serialization failures.
const maxAttempts = 10

func openPostgres(dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open read model on PostgreSQL: %w", err) // pgconn redacts the password
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db, engine: migrate.Postgres, pgcfg: cfg}, nil
}

// lockJourneys takes the advisory lock of every journey of facts, in order (PostgreSQL only).
func (tx *txn) lockJourneys(ctx context.Context, facts []domain.Fact) error {
	if tx.engine != migrate.Postgres {
		return nil
	}
	ids := make([]string, 0, len(facts))
	for _, f := range facts {
		ids = append(ids, f.JourneyID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, id); err != nil {
			return fmt.Errorf("lock journey: %w", err)
		}
	}
	return nil
}

// notifyChanged tells every replica, at commit, that the read model changed (PostgreSQL only).
func (tx *txn) notifyChanged(ctx context.Context) error {
	if tx.engine != migrate.Postgres {
		return nil
	}
	if err := tx.exec(ctx, `SELECT pg_notify(?, '')`, changeChannel); err != nil {
		return fmt.Errorf("notify read model change: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction and commits it, running it again (up to maxAttempts times) when
// PostgreSQL aborts it for a serialization failure or a deadlock.
func (s *Store) inTx(ctx context.Context, what string, fn func(*txn) error) error {
	for attempt := 1; ; attempt++ {
		err := s.once(ctx, what, fn)
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return err
		}
		// Back off a little, more each time, with jitter so the two sides of a deadlock part.
		pause := time.Duration(attempt)*5*time.Millisecond + time.Duration(rand.Int64N(int64(5*time.Millisecond))) //nolint:gosec // jitter, not a secret
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(pause):
		}
	}
}

func (s *Store) once(ctx context.Context, what string, fn func(*txn) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin %s: %w", what, err)
	}
	tx := &txn{Tx: sqlTx, engine: s.engine, stmts: map[string]*sql.Stmt{}}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", what, err)
	}
	return nil
}

// retryable reports a PostgreSQL serialization failure or deadlock: the transaction did
// nothing and may run again.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// WatchChanges calls changed whenever the read model may have changed under this process: on
// PostgreSQL, on every notice of a transaction that changed it (from any replica, this one
// included), and whenever the listening connection was lost and made again (notices may have
// been missed). It returns when ctx ends. On SQLite, where this process is the only writer, it
// returns at once.
func (s *Store) WatchChanges(ctx context.Context, changed func()) {
	if s.engine != migrate.Postgres {
		return
	}
	for {
		err := s.listen(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		slog.WarnContext(ctx, "read model change listener lost its connection; reconnecting", "error", err)
		changed()
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *Store) listen(ctx context.Context, changed func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pgcfg.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	changed() // whatever changed before LISTEN took effect
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		changed()
	}
}

// CheckDB reports what is wrong with db as the read model's location: a PostgreSQL URL that
// does not parse or names no database, or a URL of another scheme (anything else is a SQLite
// file path). The error never repeats a password.
func CheckDB(db string) error {
	if !IsPostgres(db) {
		if scheme, _, ok := strings.Cut(db, "://"); ok {
			return fmt.Errorf("must be a SQLite file path or a postgres:// or postgresql:// URL, not a %s:// URL", scheme)
		}
		return nil
	}
	cfg, err := pgconn.ParseConfig(db)
	if err != nil {
		return fmt.Errorf("must be a PostgreSQL URL such as postgres://dashboard@db.example:5432/dashboard?sslmode=verify-full (%s)", parseReason(err))
	}
	if cfg.Database == "" {
		return errors.New("the PostgreSQL URL must name the database (postgres://host:5432/dashboard)")
	}
	return nil
}

// parseReason is why pgconn could not parse a connection string, without the string (its
// redaction of passwords is best effort).
func parseReason(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) || pe.Unwrap() == nil {
		return "it does not parse"
	}
	inner := pe.Unwrap()
	var ue *url.Error
	if errors.As(inner, &ue) {
		inner = ue.Err
	}
	return inner.Error()
}

package patientkeys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// pgStore is the vault's storage in a PostgreSQL database, shared by every process (coordinator
// replica) that opens it; the schema is migrations/postgres, applied at open under migrate's
// advisory lock. Each method is one READ COMMITTED transaction (or one statement):
//
//   - initMeta and insertPatient insert with ON CONFLICT DO NOTHING and read back in the same
//     transaction: a concurrent insert of the same key makes the second wait for the first's
//     commit, find the conflict, and read the first one's row (first writer wins);
//   - rewrap locks the patients table against writers (EXCLUSIVE: reads go on, with the old
//     wrapping, until it commits) and the vault row FOR UPDATE, so no patient inserted or
//     erased meanwhile escapes it;
//   - erase deletes the row, commits, then rewrites the table (VACUUM FULL) so the deleted
//     version leaves the table's files (see erase).
type pgStore struct {
	db *sql.DB
}

// IsPostgresURL reports whether a vault setting names a PostgreSQL database (postgres:// or
// postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// CheckLocation reports what is wrong with a vault setting: empty, or a PostgreSQL URL that does
// not parse. The error never repeats the URL's password.
func CheckLocation(setting string) error {
	switch {
	case strings.TrimSpace(setting) == "":
		return errors.New("is required: a SQLite file path or a postgres:// URL")
	case IsPostgresURL(setting):
		if _, err := pgx.ParseConfig(setting); err != nil {
			return fmt.Errorf("not a valid PostgreSQL URL: %w", err) // pgx shows the URL with its password masked
		}
	}
	return nil
}

// redactURL returns a PostgreSQL URL without its password (or a placeholder if it does not parse).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "postgres://..."
	}
	return u.Redacted()
}

// openPostgres connects to the vault database at dsn and brings its schema up to date.
func openPostgres(ctx context.Context, dsn string) (*pgStore, error) {
	conf, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("patient key store %s: %w", redactURL(dsn), err)
	}
	db := stdlib.OpenDB(*conf)
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if _, err := migrate.Up(ctx, db, schema(migrate.Postgres), slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("patient key store schema in %s: %w", redactURL(dsn), err)
	}
	return &pgStore{db: db}, nil
}

func (s *pgStore) close() error { return s.db.Close() }

func (s *pgStore) meta(ctx context.Context) ([]byte, string, bool, error) {
	return pgMeta(ctx, s.db)
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func pgMeta(ctx context.Context, q querier) (wrapped []byte, masterID string, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT index_key, master_id FROM patientkeys_vault WHERE id = 1`).Scan(&wrapped, &masterID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("read vault index key: %w", err)
	}
	return wrapped, masterID, true, nil
}

func (s *pgStore) initMeta(ctx context.Context, wrapped []byte, masterID string) ([]byte, string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", fmt.Errorf("store vault index key: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO patientkeys_vault (id, index_key, master_id) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
		wrapped, masterID); err != nil {
		return nil, "", fmt.Errorf("store vault index key: %w", err)
	}
	stored, id, ok, err := pgMeta(ctx, tx)
	if err == nil && !ok {
		err = errors.New("store vault index key: not found after insert")
	}
	if err != nil {
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("store vault index key: commit: %w", err)
	}
	return stored, id, nil
}

func (s *pgStore) refByBlind(ctx context.Context, blind []byte) (string, bool, error) {
	var ref string
	err := s.db.QueryRowContext(ctx, `SELECT ref FROM patientkeys_patients WHERE blind = $1`, blind).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up patient index: %w", err)
	}
	return ref, true, nil
}

func (s *pgStore) insertPatient(ctx context.Context, ref string, blind, wrapped []byte) (string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("store patient key: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// A concurrent insert of the same blind makes this one wait for it to commit or roll back;
	// the SELECT, a statement of its own under READ COMMITTED, then sees the winner's row.
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO patientkeys_patients (ref, blind, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (blind) DO NOTHING`,
		ref, blind, wrapped); err != nil {
		return "", fmt.Errorf("store patient key: %w", err)
	}
	var got string
	if err := tx.QueryRowContext(ctx, `SELECT ref FROM patientkeys_patients WHERE blind = $1`, blind).Scan(&got); err != nil {
		return "", fmt.Errorf("store patient key: read back: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("store patient key: commit: %w", err)
	}
	return got, nil
}

func (s *pgStore) wrappedKey(ctx context.Context, ref string) ([]byte, bool, error) {
	var wrapped []byte
	err := s.db.QueryRowContext(ctx, `SELECT wrapped_key FROM patientkeys_patients WHERE ref = $1`, ref).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read patient key: %w", err)
	}
	return wrapped, true, nil
}

// erase deletes the patient's row, commits, then rewrites the table (VACUUM FULL) so the key's
// bytes leave the table's files. PostgreSQL never changes a row in place: a DELETE (or an
// UPDATE overwriting the key with zeros first, which only adds a new version) leaves the old
// version in its page; a plain VACUUM reclaims the space but does not clear it, so the bytes
// stay in the page's free space until a later row happens to be written over them (a test
// found an erased key in the heap file after DELETE and VACUUM). VACUUM FULL writes the live
// rows to new files and deletes the old ones. See vacuum for its cost and what it cannot do.
func (s *pgStore) erase(ctx context.Context, ref string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM patientkeys_patients WHERE ref = $1`, ref)
	if err != nil {
		return false, fmt.Errorf("erase patient key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("erase patient key: %w", err)
	}
	if n > 0 {
		s.vacuum(ctx)
	}
	return n > 0, nil
}

// vacuumLockTimeout bounds how long the rewrite waits for the table: while it waits, the
// vault's readers queue behind it.
const vacuumLockTimeout = 5 * time.Second

// vacuum rewrites the patients table (VACUUM FULL), best effort: the erasure has committed,
// and the key is unreachable through SQL whatever happens here. The rewrite holds an ACCESS
// EXCLUSIVE lock on the table while it copies the live rows (every replica's vault calls wait
// that long: about a second per 100 000 patients) and writes the whole table to the WAL. If
// it cannot take the lock within vacuumLockTimeout, fails or is cancelled, the old version
// stays in the file until the next erasure's rewrite; so does a version that a transaction
// still open in the same database (an old snapshot) may see.
func (s *pgStore) vacuum(ctx context.Context) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`SET lock_timeout = %d`, vacuumLockTimeout.Milliseconds())); err != nil {
		return
	}
	_, _ = conn.ExecContext(ctx, `VACUUM FULL patientkeys_patients`)
	_, _ = conn.ExecContext(ctx, `RESET lock_timeout`)
}

func (s *pgStore) rewrap(ctx context.Context, newMasterID string, rewrapIndex func([]byte) ([]byte, error),
	rewrapKey func(string, []byte) ([]byte, error),
) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rewrap: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// Row locks alone (SELECT ... FOR UPDATE) would miss a patient inserted by another replica
	// while the rewrap runs; EXCLUSIVE keeps every writer out and lets readers go on.
	if _, err := tx.ExecContext(ctx, `LOCK TABLE patientkeys_patients IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("rewrap: lock patient keys: %w", err)
	}
	var index []byte
	if err := tx.QueryRowContext(ctx, `SELECT index_key FROM patientkeys_vault WHERE id = 1 FOR UPDATE`).Scan(&index); err != nil {
		return fmt.Errorf("rewrap: read index key: %w", err)
	}
	if index, err = rewrapIndex(index); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE patientkeys_vault SET index_key = $1, master_id = $2 WHERE id = 1`, index, newMasterID); err != nil {
		return fmt.Errorf("rewrap: store index key: %w", err)
	}
	keys, err := allKeys(ctx, tx, `SELECT ref, wrapped_key FROM patientkeys_patients FOR UPDATE`)
	if err != nil {
		return err
	}
	for ref, wrapped := range keys {
		if wrapped, err = rewrapKey(ref, wrapped); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patientkeys_patients SET wrapped_key = $1 WHERE ref = $2`, wrapped, ref); err != nil {
			return fmt.Errorf("rewrap: store patient key: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rewrap: commit: %w", err)
	}
	return nil
}

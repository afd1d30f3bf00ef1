package patientkeys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// sqliteStore is the vault's storage in one SQLite file. Every connection runs with
// secure_delete on (SQLite overwrites deleted content with zeros) and the rollback journal in
// DELETE mode (no write-ahead log keeping old pages after a commit; the journal file is deleted
// at each commit), so an erased key's bytes leave the files as soon as Erase returns.
// Processes sharing the file are serialised by SQLite's file locks (busy timeout 10 s); the
// schema is migrations/sqlite, applied at open.
type sqliteStore struct {
	db *sql.DB
}

// openSQLite opens (creating) the store at path.
func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(DELETE)")
	q.Add("_pragma", "secure_delete(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open patient key store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := migrate.Up(ctx, db, schema(migrate.SQLite), slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("patient key store schema in %s: %w", path, err)
	}
	return &sqliteStore{db: db}, nil
}

func (s *sqliteStore) close() error { return s.db.Close() }

func (s *sqliteStore) meta(ctx context.Context) (wrapped []byte, masterID string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT index_key, master_id FROM vault WHERE id = 1`).Scan(&wrapped, &masterID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("read vault index key: %w", err)
	}
	return wrapped, masterID, true, nil
}

func (s *sqliteStore) initMeta(ctx context.Context, wrapped []byte, masterID string) ([]byte, string, error) {
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO vault (id, index_key, master_id) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		wrapped, masterID); err != nil {
		return nil, "", fmt.Errorf("store vault index key: %w", err)
	}
	stored, id, ok, err := s.meta(ctx)
	if err == nil && !ok {
		err = errors.New("store vault index key: not found after insert")
	}
	return stored, id, err
}

func (s *sqliteStore) refByBlind(ctx context.Context, blind []byte) (string, bool, error) {
	var ref string
	err := s.db.QueryRowContext(ctx, `SELECT ref FROM patients WHERE blind = ?`, blind).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up patient index: %w", err)
	}
	return ref, true, nil
}

func (s *sqliteStore) insertPatient(ctx context.Context, ref string, blind, wrapped []byte) (string, error) {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the insert and the read see one state
	if err != nil {
		return "", fmt.Errorf("store patient key: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO patients (ref, blind, wrapped_key) VALUES (?, ?, ?) ON CONFLICT (blind) DO NOTHING`,
		ref, blind, wrapped); err != nil {
		return "", fmt.Errorf("store patient key: %w", err)
	}
	var got string
	if err := tx.QueryRowContext(ctx, `SELECT ref FROM patients WHERE blind = ?`, blind).Scan(&got); err != nil {
		return "", fmt.Errorf("store patient key: read back: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("store patient key: commit: %w", err)
	}
	return got, nil
}

func (s *sqliteStore) wrappedKey(ctx context.Context, ref string) ([]byte, bool, error) {
	var wrapped []byte
	err := s.db.QueryRowContext(ctx, `SELECT wrapped_key FROM patients WHERE ref = ?`, ref).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read patient key: %w", err)
	}
	return wrapped, true, nil
}

func (s *sqliteStore) erase(ctx context.Context, ref string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM patients WHERE ref = ?`, ref)
	if err != nil {
		return false, fmt.Errorf("erase patient key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("erase patient key: %w", err)
	}
	return n > 0, nil
}

func (s *sqliteStore) rewrap(ctx context.Context, newMasterID string, rewrapIndex func([]byte) ([]byte, error),
	rewrapKey func(string, []byte) ([]byte, error),
) error {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: other writers wait
	if err != nil {
		return fmt.Errorf("rewrap: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var index []byte
	if err := tx.QueryRowContext(ctx, `SELECT index_key FROM vault WHERE id = 1`).Scan(&index); err != nil {
		return fmt.Errorf("rewrap: read index key: %w", err)
	}
	if index, err = rewrapIndex(index); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE vault SET index_key = ?, master_id = ? WHERE id = 1`, index, newMasterID); err != nil {
		return fmt.Errorf("rewrap: store index key: %w", err)
	}
	keys, err := allKeys(ctx, tx, `SELECT ref, wrapped_key FROM patients`)
	if err != nil {
		return err
	}
	for ref, wrapped := range keys {
		if wrapped, err = rewrapKey(ref, wrapped); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patients SET wrapped_key = ? WHERE ref = ?`, wrapped, ref); err != nil {
			return fmt.Errorf("rewrap: store patient key: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rewrap: commit: %w", err)
	}
	return nil
}

// allKeys reads every patient's wrapped key with query (ref, wrapped_key of every patient).
func allKeys(ctx context.Context, tx *sql.Tx, query string) (map[string][]byte, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("rewrap: read patient keys: %w", err)
	}
	defer func() { _ = rows.Close() }()
	keys := map[string][]byte{}
	for rows.Next() {
		var ref string
		var wrapped []byte
		if err := rows.Scan(&ref, &wrapped); err != nil {
			return nil, fmt.Errorf("rewrap: read patient keys: %w", err)
		}
		keys[ref] = wrapped
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rewrap: read patient keys: %w", err)
	}
	return keys, nil
}

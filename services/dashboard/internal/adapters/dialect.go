package adapters

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// The statements are written once, in the SQL both engines accept, with SQLite's placeholders
// (? in order, or ?N for the Nth argument); rebind rewrites them as PostgreSQL's $N. What the
// engines do not share is kept apart where it is used: the purge's largest-of function and
// temporary table (purge.go), and PostgreSQL's journey locks, retries and change notices
// (postgres.go).

// rebind rewrites query's placeholders for engine.
func rebind(engine migrate.Engine, query string) string {
	if engine != migrate.Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		j := i + 1
		for j < len(query) && query[j] >= '0' && query[j] <= '9' {
			j++
		}
		b.WriteByte('$')
		if j > i+1 { // ?N keeps its number
			b.WriteString(query[i+1 : j])
			i = j - 1
			continue
		}
		n++
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// q is query for the store's engine.
func (s *Store) q(query string) string { return rebind(s.engine, query) }

// txn is a transaction on the store's engine. On SQLite it prepares each statement once (a
// batch reuses them); pgx caches prepared statements per connection by itself.
type txn struct {
	*sql.Tx
	engine migrate.Engine
	stmts  map[string]*sql.Stmt
}

func (tx *txn) exec(ctx context.Context, query string, args ...any) error {
	_, err := tx.execResult(ctx, query, args...)
	return err
}

func (tx *txn) execResult(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.engine == migrate.Postgres {
		return tx.ExecContext(ctx, rebind(tx.engine, query), args...)
	}
	st, err := tx.prepared(ctx, query) //nolint:sqlclosecheck // kept in tx.stmts and closed with the transaction
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (tx *txn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if tx.engine == migrate.Postgres {
		return tx.QueryRowContext(ctx, rebind(tx.engine, query), args...)
	}
	st, err := tx.prepared(ctx, query) //nolint:sqlclosecheck // kept in tx.stmts and closed with the transaction
	if err != nil {
		return tx.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

func (tx *txn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(ctx, rebind(tx.engine, query), args...)
}

func (tx *txn) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	tx.stmts[query] = st
	return st, nil
}

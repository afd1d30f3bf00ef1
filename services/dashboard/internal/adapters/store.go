package adapters

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// Store is the read model in one database: a SQLite file (the embedded default) or a PostgreSQL
// database that several dashboard replicas share. Both engines run the same statements, written
// with ? placeholders and rewritten for PostgreSQL (dialect.go); what differs (locking, retries,
// the purge's temporary table) is chosen by engine. It is safe for concurrent use, and on
// PostgreSQL for concurrent use by several processes: facts are applied exactly once, and a
// journey's rows are changed by one transaction at a time.
type Store struct {
	db     *sql.DB
	engine migrate.Engine
	// pgcfg is the PostgreSQL connection (the change listener opens its own); nil on SQLite.
	pgcfg *pgx.ConnConfig
}

//go:embed migrations
var migrations embed.FS

// SchemaTable records the read model's schema version (goose's version table).
const SchemaTable = "dashboard_schema_version"

// Migrations returns the read model's migrations for engine.
func Migrations(engine migrate.Engine) migrate.Set {
	sub, err := fs.Sub(migrations, "migrations/"+string(engine))
	if err != nil { // the directories are embedded: only an unknown engine gets here
		sub = migrations
	}
	return migrate.Set{Engine: engine, FS: sub, Table: SchemaTable}
}

// IsPostgres reports whether db names a PostgreSQL database (a postgres:// or postgresql://
// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// OpenStore opens the read model at db, a SQLite file path (created if needed) or a PostgreSQL
// URL, and brings its schema up to date with the embedded migrations. A database whose schema
// is newer than this binary's is refused (migrate.ErrNewerSchema).
func OpenStore(ctx context.Context, db string) (*Store, error) {
	var s *Store
	var err error
	if IsPostgres(db) {
		s, err = openPostgres(db)
	} else {
		s, err = openSQLite(db)
	}
	if err != nil {
		return nil, err
	}
	if _, err := migrate.Up(ctx, s.db, Migrations(s.engine), slog.Default()); err != nil {
		_ = s.db.Close()
		return nil, fmt.Errorf("read model schema: %w", err)
	}
	return s, nil
}

// Engine is the database engine.
func (s *Store) Engine() migrate.Engine { return s.engine }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB is the database (the benchmark's raw SQL baseline reads it).
func (s *Store) DB() *sql.DB { return s.db }

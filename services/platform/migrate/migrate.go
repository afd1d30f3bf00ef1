// Package migrate applies a store's versioned schema migrations when the store opens: SQL files
// in goose's format (github.com/pressly/goose/v3), one numbered file per version and one
// directory per engine (SQLite for the embedded default, PostgreSQL for production), embedded in
// the binary. Every replica runs Up at start; on PostgreSQL a session advisory lock makes the
// first apply them and the others wait, then find nothing to do. A database whose schema is
// newer than the binary's migrations is refused, so an old binary never writes to a schema it
// does not know (roll the binary forward, or restore the database).
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Engine is a database engine with migrations of its own.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Set is one store's migrations for one engine.
type Set struct {
	// Engine is the database the SQL is written for.
	Engine Engine
	// FS holds the migration files at its root (00001_name.sql, ...).
	FS fs.FS
	// Table records the applied versions (goose's version table), one per store so stores may
	// share a database.
	Table string
}

// ErrNewerSchema is returned when the database's schema is newer than the migrations.
var ErrNewerSchema = errors.New("database schema is newer than this binary")

// Up applies every pending migration of set to db and returns the schema version then in force.
func Up(ctx context.Context, db *sql.DB, set Set, log *slog.Logger) (int64, error) {
	p, err := provider(db, set)
	if err != nil {
		return 0, err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate %s: read schema version: %w", set.Table, err)
	}
	if current > target {
		return current, fmt.Errorf("migrate %s: %w: the database is at version %d, this binary knows up to %d (deploy the newer binary, or restore the database)",
			set.Table, ErrNewerSchema, current, target)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate %s: %w", set.Table, err)
	}
	for _, r := range res {
		if log != nil {
			log.InfoContext(ctx, "schema migration applied", "table", set.Table, "version", r.Source.Version,
				"file", r.Source.Path, "duration", r.Duration)
		}
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate %s: read schema version: %w", set.Table, err)
	}
	return v, nil
}

// Version returns the schema version of db (0 when no migration was applied) and the newest
// version of set.
func Version(ctx context.Context, db *sql.DB, set Set) (current, target int64, err error) {
	p, err := provider(db, set)
	if err != nil {
		return 0, 0, err
	}
	current, target, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate %s: read schema version: %w", set.Table, err)
	}
	return current, target, nil
}

func provider(db *sql.DB, set Set) (*goose.Provider, error) {
	opts := []goose.ProviderOption{goose.WithTableName(set.Table), goose.WithDisableGlobalRegistry(true)}
	var dialect goose.Dialect
	switch set.Engine {
	case SQLite:
		dialect = goose.DialectSQLite3
	case Postgres:
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300)) // up to 5 minutes behind another replica
		if err != nil {
			return nil, fmt.Errorf("migrate %s: %w", set.Table, err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		return nil, fmt.Errorf("migrate %s: unknown engine %q", set.Table, set.Engine)
	}
	p, err := goose.NewProvider(dialect, db, set.FS, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", set.Table, err)
	}
	return p, nil
}

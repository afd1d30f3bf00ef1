package temporalserver

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // G501: the manifest's checksum in schema_update_history, as temporal-sql-tool writes it
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence"
	tsql "go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	"go.temporal.io/server/common/resolver"
	dbschemas "go.temporal.io/server/schema"
)

// Where the versioned PostgreSQL schemas are in go.temporal.io/server/schema's embedded files.
const (
	persistenceSchema = "postgresql/v12/temporal"
	visibilitySchema  = "postgresql/v12/visibility"
)

// schemaLockKey is the PostgreSQL advisory lock (per database) held while a schema is brought
// up to date, so that servers starting together take turns.
const schemaLockKey int64 = 0x7465_6d70_6f72_616c // "temporal"

var errSchemaLocked = errors.New("another server is bringing the schema up to date")

// migrateSchema brings db's schema to the newest version of the embedded schema dir, as
// `temporal-sql-tool setup-schema -v 0.0` and then `update-schema -d <dir>/versioned` do
// (Temporal's own auto-setup): version tables first, then every versioned change newer than
// the database's in order, each recorded in schema_version and schema_update_history. A
// database already at the newest version is left alone. Finally it checks the version is the
// one this server needs. It returns the versions applied.
//
// Several processes may start at once: each holds a session advisory lock on the database
// while it migrates, so the second waits, then finds the schema current. The waiting one tries
// the lock every 100ms rather than blocking in pg_advisory_lock: a blocked statement holds a
// snapshot, which the holder's CREATE INDEX CONCURRENTLY would wait for, and neither would
// move (PostgreSQL sees no cycle: the lock is held by another session). A process killed
// midway releases the lock with its connection; the next one re-runs the interrupted version,
// ignoring "already exists" and "not found" as temporal-sql-tool does (PostgreSQL cannot run
// these changes in one transaction: some create indexes CONCURRENTLY).
func migrateSchema(ctx context.Context, db *pgDatabase, kind sqlplugin.DbKind, dir string) ([]string, error) {
	lock, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return nil, fmt.Errorf("connect to %s for its schema: %w", db.sql.DatabaseName, err)
	}
	defer func() { _ = lock.Close(context.WithoutCancel(ctx)) }()
	if err := poll(ctx, "the schema lock of "+db.sql.DatabaseName, func(ctx context.Context) error {
		var locked bool
		if err := lock.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", schemaLockKey).Scan(&locked); err != nil || locked {
			return err
		}
		return errSchemaLocked
	}); err != nil {
		return nil, err
	}
	admin, err := tsql.NewSQLAdminDB(kind, db.sql, resolver.NewNoopResolver(), log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", db.sql.DatabaseName, err)
	}
	defer func() { _ = admin.Close() }()
	applied, err := updateSchema(admin, db.sql.DatabaseName, dir)
	if err != nil {
		return applied, fmt.Errorf("schema of %s (%s): %w", db.sql.DatabaseName, dir, err)
	}
	if err := admin.VerifyVersion(); err != nil {
		return applied, fmt.Errorf("schema of %s: %w", db.sql.DatabaseName, err)
	}
	return applied, nil
}

// updateSchema is setup-schema -v 0.0 then update-schema on the held database.
func updateSchema(admin sqlplugin.AdminDB, dbName, dir string) ([]string, error) {
	if err := admin.CreateSchemaVersionTables(); err != nil {
		return nil, fmt.Errorf("create the schema version tables: %w", err)
	}
	current, err := admin.ReadSchemaVersion(dbName)
	if errors.Is(err, sql.ErrNoRows) {
		current = "0.0"
		if err := admin.UpdateSchemaVersion(dbName, current, current); err != nil {
			return nil, fmt.Errorf("record the initial schema version: %w", err)
		}
		err = admin.WriteSchemaUpdateLog("0", current, "", "initial version")
	}
	if err != nil {
		return nil, fmt.Errorf("read the schema version: %w", err)
	}
	changes, err := changesAfter(dir, current)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, c := range changes {
		if err := c.apply(admin, dbName, current); err != nil {
			return applied, err
		}
		applied, current = append(applied, c.Version), c.Version
	}
	return applied, nil
}

// schemaChange is one versioned directory: its manifest.json and statements.
type schemaChange struct {
	Version              string `json:"CurrVersion"`
	MinCompatibleVersion string
	Description          string
	SchemaUpdateCqlFiles []string
	AllowNoCqlFiles      bool
	md5                  string
	statements           []string
}

func (c schemaChange) apply(admin sqlplugin.AdminDB, dbName, from string) error {
	for _, stmt := range c.statements {
		if err := admin.Exec(stmt); err != nil {
			if msg := err.Error(); strings.Contains(msg, "already exist") || strings.Contains(msg, "not found") {
				continue // applied before a crash interrupted this version (temporal-sql-tool's rule)
			}
			return fmt.Errorf("version %s: %w", c.Version, err)
		}
	}
	if err := admin.UpdateSchemaVersion(dbName, c.Version, c.MinCompatibleVersion); err != nil {
		return fmt.Errorf("record version %s: %w", c.Version, err)
	}
	if err := admin.WriteSchemaUpdateLog(from, c.Version, c.md5, c.Description); err != nil {
		return fmt.Errorf("record version %s in the update history: %w", c.Version, err)
	}
	return nil
}

// changesAfter reads the embedded versioned changes of dir newer than current, oldest first.
func changesAfter(dir, current string) ([]schemaChange, error) {
	assets := dbschemas.Assets()
	root := path.Join(dir, "versioned")
	entries, err := fs.ReadDir(assets, root)
	if err != nil {
		return nil, fmt.Errorf("read the embedded schema %s: %w", root, err)
	}
	from, err := parseVersion(current)
	if err != nil {
		return nil, fmt.Errorf("the database's schema version %q: %w", current, err)
	}
	var changes []schemaChange
	for _, e := range entries {
		v, err := parseVersion(strings.TrimPrefix(e.Name(), "v"))
		if !e.IsDir() || err != nil || slices.Compare(v, from) <= 0 {
			continue
		}
		c, err := readChange(assets, path.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	slices.SortFunc(changes, func(a, b schemaChange) int {
		va, _ := parseVersion(a.Version)
		vb, _ := parseVersion(b.Version)
		return slices.Compare(va, vb)
	})
	return changes, nil
}

func readChange(assets fs.FS, dir string) (schemaChange, error) {
	var c schemaChange
	manifest, err := fs.ReadFile(assets, path.Join(dir, "manifest.json"))
	if err != nil {
		return c, fmt.Errorf("read %s: %w", dir, err)
	}
	if err := json.Unmarshal(manifest, &c); err != nil {
		return c, fmt.Errorf("read %s/manifest.json: %w", dir, err)
	}
	if "v"+c.Version != path.Base(dir) {
		return c, fmt.Errorf("%s/manifest.json: version %s does not match its directory", dir, c.Version)
	}
	sum := md5.Sum(manifest) //nolint:gosec // G401: see the import
	c.md5 = hex.EncodeToString(sum[:])
	var files []io.Reader
	for _, f := range c.SchemaUpdateCqlFiles {
		b, err := fs.ReadFile(assets, path.Join(dir, f))
		if err != nil {
			return c, fmt.Errorf("read %s: %w", dir, err)
		}
		files = append(files, bytes.NewReader(b))
	}
	if c.statements, err = persistence.LoadAndSplitQueryFromReaders(files); err != nil {
		return c, fmt.Errorf("read %s: %w", dir, err)
	}
	if len(c.statements) == 0 && !c.AllowNoCqlFiles {
		return c, fmt.Errorf("%s: no statements", dir)
	}
	return c, nil
}

// parseVersion reads "1.19" as [1 19].
func parseVersion(s string) ([]int, error) {
	var v []int
	for p := range strings.SplitSeq(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("must be numbers separated by dots, not %q", s)
		}
		v = append(v, n)
	}
	return v, nil
}

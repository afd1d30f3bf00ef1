package migrate_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/nhs-pathways/pathways/services/platform/migrate"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m)) //nolint:forbidigo // TestMain must exit with the tests' code
}

func set(engine migrate.Engine, files ...string) migrate.Set {
	fs := fstest.MapFS{}
	for i, body := range files {
		name := filepath.Join(".", []string{"00001_first.sql", "00002_second.sql", "00003_third.sql"}[i])
		fs[name] = &fstest.MapFile{Data: []byte("-- +goose Up\n" + body + "\n")}
	}
	return migrate.Set{Engine: engine, FS: fs, Table: "test_schema_version"}
}

func open(t *testing.T, engine migrate.Engine) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	switch engine {
	case migrate.SQLite:
		db, err = sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	case migrate.Postgres:
		db, err = sql.Open("pgx", pgtest.Database(t))
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Up applies pending versions in order, again applies nothing, and an older binary (fewer
// migrations) refuses the newer database instead of writing to it.
func TestUpAppliesInOrderAndRefusesANewerSchema(t *testing.T) {
	for _, engine := range []migrate.Engine{migrate.SQLite, migrate.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := open(t, engine)
			v1 := set(engine, "CREATE TABLE a (n INTEGER);")
			v, err := migrate.Up(t.Context(), db, v1, nil)
			require.NoError(t, err)
			require.Equal(t, int64(1), v)

			v2 := set(engine, "CREATE TABLE a (n INTEGER);", "ALTER TABLE a ADD COLUMN m INTEGER NOT NULL DEFAULT 7; INSERT INTO a (n) VALUES (1);")
			v, err = migrate.Up(t.Context(), db, v2, nil)
			require.NoError(t, err)
			require.Equal(t, int64(2), v)
			v, err = migrate.Up(t.Context(), db, v2, nil)
			require.NoError(t, err)
			require.Equal(t, int64(2), v)
			var rows, m int
			require.NoError(t, db.QueryRowContext(t.Context(), "SELECT COUNT(*), MAX(m) FROM a").Scan(&rows, &m))
			require.Equal(t, 1, rows, "version 2 ran once")
			require.Equal(t, 7, m)

			_, err = migrate.Up(t.Context(), db, v1, nil)
			require.ErrorIs(t, err, migrate.ErrNewerSchema)
			cur, target, err := migrate.Version(t.Context(), db, v1)
			require.NoError(t, err)
			require.Equal(t, [2]int64{2, 1}, [2]int64{cur, target})
		})
	}
}

// Replicas starting together on one PostgreSQL database apply each migration exactly once.
func TestConcurrentReplicasMigrateOnce(t *testing.T) {
	url := pgtest.Database(t)
	s := set(migrate.Postgres, "CREATE TABLE a (n INTEGER);", "INSERT INTO a VALUES (1);", "INSERT INTO a VALUES (2);")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sql.Open("pgx", url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			_, errs[i] = migrate.Up(t.Context(), db, s, nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	pg, err := sql.Open("pgx", url)
	require.NoError(t, err)
	defer pg.Close()
	var n int
	require.NoError(t, pg.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM a").Scan(&n))
	require.Equal(t, 2, n, "each INSERT migration ran once across four replicas")
}

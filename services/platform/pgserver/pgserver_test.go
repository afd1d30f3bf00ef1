package pgserver_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/pgserver"
)

// A committed row survives SIGKILL of the server (crash recovery from the WAL), and the server
// comes back on the same port.
func TestKillAndRestartKeepsCommittedRows(t *testing.T) {
	s, err := pgserver.New(t.Context(), pgserver.Options{})
	if errors.Is(err, pgserver.ErrNotInstalled) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Remove() })
	require.NoError(t, s.CreateDatabase(t.Context(), "kill_test"))

	db, err := sql.Open("pgx", s.URL("kill_test"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(t.Context(), "CREATE TABLE t (n int); INSERT INTO t VALUES (42)")
	require.NoError(t, err)

	port := s.Port()
	require.NoError(t, s.Kill())
	require.Error(t, db.PingContext(t.Context()), "the server is down after Kill")
	require.NoError(t, s.Start(context.Background()))
	require.Equal(t, port, s.Port())

	var n int
	require.NoError(t, db.QueryRowContext(t.Context(), "SELECT n FROM t").Scan(&n))
	require.Equal(t, 42, n)
}

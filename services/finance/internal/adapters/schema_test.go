package adapters_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// A ledger file written by a release before versioned migrations (its schema made by CREATE
// ... IF NOT EXISTS at start) opens with this one: its rows are kept, it is recorded at schema
// version 1, and the outbox carries on from the last cursor.
func TestLedgerFromBeforeMigrationsUpgrades(t *testing.T) {
	path := filepath.Join(t.TempDir(), "finance.db")
	v0, err := os.ReadFile("testdata/ledger-v0.sql")
	require.NoError(t, err)
	old, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = old.ExecContext(t.Context(), string(v0))
	require.NoError(t, err)
	_, err = old.ExecContext(t.Context(), `INSERT INTO contracts (id, doc, released, next_rev, spent, activities, settled)
		VALUES ('msk-2025', '{"ID":"msk-2025"}', 12, 3, 123456, 7, 1)`)
	require.NoError(t, err)
	_, err = old.ExecContext(t.Context(), `INSERT INTO outbox (contract_id, revision, event_id, payload, relayed) VALUES
		('msk-2025', 0, '00000000-0000-0000-0000-000000000001', x'00', 1),
		('msk-2025', 1, '00000000-0000-0000-0000-000000000002', x'00', 1),
		('msk-2025', 2, '00000000-0000-0000-0000-000000000003', x'00', 1)`)
	require.NoError(t, err)
	require.NoError(t, old.Close())

	s, err := adapters.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	row, ok, err := s.Contract(t.Context(), "msk-2025")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, app.ContractRow{Contract: domain.Contract{ID: "msk-2025"}, Released: 12, Spent: 123456, Activities: 7, Settled: true}, row)

	var rev uint64
	require.NoError(t, s.Update(t.Context(), func(tx app.LedgerTx) error {
		rev, err = tx.Emit("msk-2025", "00000000-0000-0000-0000-000000000004", []byte{0})
		return err
	}))
	require.EqualValues(t, 3, rev, "the contract stream carries on at its next revision")
	out, err := s.Outbox(t.Context(), 3, 10)
	require.NoError(t, err)
	require.Len(t, out, 1)
	require.EqualValues(t, 4, out[0].Seq, "the feed carries on after the last cursor")

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	cur, target, err := migrate.Version(t.Context(), db, adapters.Schema(migrate.SQLite))
	require.NoError(t, err)
	require.Equal(t, target, cur)
	require.EqualValues(t, 1, cur)
}

package adapters_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/adapters"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

// A dashboard.db made before versioned migrations (testdata/v0_schema.sql, the schema those
// binaries created) opens with its rows intact and is recorded at version 1.
func TestAnUnversionedSQLiteReadModelIsAdoptedAtVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dashboard.db")
	v0, err := os.ReadFile("testdata/v0_schema.sql")
	require.NoError(t, err)
	old, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, stmt := range []string{string(v0),
		`INSERT INTO applied (event_id, digest) VALUES ('ev-old', x'00')`,
		`INSERT INTO journeys (journey_id, pathway_id, version, pcn, segment, referred_at, discharged_at) VALUES ('j-old', 'copd', 1, 'U7', 2, 1767268800, 1769947200)`,
		`INSERT INTO admissions (journey_id, admission_id, admitted_at, discharged_at, discharge_day, gap_days) VALUES ('j-old', 'a1', 1767268800, 1767614400, 20458, NULL)`,
	} {
		_, err := old.ExecContext(t.Context(), stmt)
		require.NoError(t, err)
	}
	require.NoError(t, old.Close())

	s := openDB(t, path)
	cur, target, err := migrate.Version(t.Context(), s.DB(), adapters.Migrations(migrate.SQLite))
	require.NoError(t, err)
	require.Equal(t, [2]int64{1, 1}, [2]int64{cur, target})
	pathways, pcns, first, _, err := s.Dimensions(t.Context())
	require.NoError(t, err)
	require.Equal(t, []string{"copd"}, pathways)
	require.Equal(t, []string{"U7"}, pcns)
	require.Equal(t, int64(1767268800), first)
	var admissions int
	require.NoError(t, s.DB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM admissions`).Scan(&admissions))
	require.Equal(t, 1, admissions)
	_, err = s.Apply(t.Context(), referralFact("ev-old", "j-other", "U7", noon(2, 1)))
	require.ErrorContains(t, err, "event ev-old", "the old applied IDs are kept: reusing one is refused")
	require.Equal(t, 1, referrals(t, s, "U7"))
}

// Both engines create the read model at version 1, and refuse a database a newer binary has
// migrated further.
func TestTheReadModelRefusesANewerSchema(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine migrate.Engine) {
		db := newDatabase(t, engine)
		s := openDB(t, db)
		cur, _, err := migrate.Version(t.Context(), s.DB(), adapters.Migrations(engine))
		require.NoError(t, err)
		require.EqualValues(t, 1, cur)
		_, err = s.DB().ExecContext(t.Context(), `INSERT INTO `+adapters.SchemaTable+` (version_id, is_applied) VALUES (2, true)`)
		require.NoError(t, err)

		_, err = adapters.OpenStore(t.Context(), db)
		require.ErrorIs(t, err, migrate.ErrNewerSchema)
	})
}

var _ app.ReadModel = (*adapters.Store)(nil)

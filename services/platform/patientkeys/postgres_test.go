package patientkeys_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

// pgRow reads what the PostgreSQL store holds of one patient, behind the vault's back.
func pgRow(t *testing.T, db *sql.DB, ref string) row {
	t.Helper()
	r := row{ref: ref}
	require.NoError(t, db.QueryRowContext(t.Context(),
		`SELECT blind, wrapped_key FROM patientkeys_patients WHERE ref = $1`, ref).Scan(&r.blind, &r.wrapped))
	return r
}

func pgOpen(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestEraseOnPostgresLeavesNoKeyInTheTableFiles: after Erase (and a CHECKPOINT, which writes
// every changed page to the table files) the erased patients' wrapped keys, index entries and
// references are in none of the database's files, while another patient's still are. They are
// still in the WAL (pg_wal) until its segments are recycled: the test logs what it finds there.
func TestEraseOnPostgresLeavesNoKeyInTheTableFiles(t *testing.T) {
	ctx := t.Context()
	url := pgtest.Database(t)
	v := openAt(t, url, patientkeystest.Master(t))
	db := pgOpen(t, url)
	nums := nhsnumber.TestNumbers(6)
	rows := make([]row, len(nums))
	for i, n := range nums {
		ref, err := v.PatientRef(ctx, n)
		require.NoError(t, err)
		_, err = v.Seal(ctx, ref, "nhs_number", []byte(n))
		require.NoError(t, err)
		rows[i] = pgRow(t, db, ref)
	}
	needles := func(rs ...row) map[string][]byte {
		m := map[string][]byte{}
		for _, r := range rs {
			m[r.ref+" wrapped key"], m[r.ref+" index entry"], m[r.ref] = r.wrapped, r.blind, []byte(r.ref)
		}
		return m
	}
	// The last patient added is the one whose old row a plain VACUUM leaves in the page.
	erased, kept := []row{rows[1], rows[len(rows)-1]}, rows[2]
	for _, r := range erased {
		existed, err := v.Erase(ctx, r.ref)
		require.NoError(t, err)
		require.True(t, existed)
	}
	_, err := db.ExecContext(ctx, `CHECKPOINT`)
	require.NoError(t, err)

	var dbOID string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT oid::text FROM pg_database WHERE datname = current_database()`).Scan(&dbOID))
	dir := pgtest.Server(t).Dir()
	tables := filepath.Join(dir, "base", dbOID)
	require.Len(t, hits(t, tables, map[string][]byte{"kept wrapped key": kept.wrapped}), 1,
		"the scan does not find a live patient's key in the table file")
	require.Empty(t, hits(t, tables, needles(erased...)), "erased bytes left in the database's files")
	require.Empty(t, hits(t, filepath.Join(dir, "global"), needles(erased...)))
	t.Logf("in the WAL, until its segments are recycled (and in WAL archives and backups): %q",
		hits(t, filepath.Join(dir, "pg_wal"), needles(erased...)))
}

// blockingMaster is a master key whose Wrap waits for release after signalling entered: a
// Rewrap to it holds its transaction open until the test lets it go.
type blockingMaster struct {
	patientkeys.MasterKey
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (m *blockingMaster) Wrap(ctx context.Context, key, aad []byte) ([]byte, error) {
	m.once.Do(func() {
		close(m.entered)
		<-m.release
	})
	return m.MasterKey.Wrap(ctx, key, aad)
}

// keyring unwraps with any of its keys and wraps with the first (a KMS key with versions).
type keyring []patientkeys.MasterKey

func (k keyring) ID() string { return k[0].ID() }

func (k keyring) Wrap(ctx context.Context, key, aad []byte) ([]byte, error) {
	return k[0].Wrap(ctx, key, aad)
}

func (k keyring) Unwrap(ctx context.Context, wrapped, aad []byte) ([]byte, error) {
	var err error
	for _, m := range k {
		var key []byte
		if key, err = m.Unwrap(ctx, wrapped, aad); err == nil {
			return key, nil
		}
	}
	return nil, err
}

// TestRewrapOnPostgresWhileAnotherReplicaReads: while one replica's Rewrap holds its
// transaction open, another replica's reads go on (not blocked, never a half-rewrapped key),
// and an erasure made meanwhile is not undone by the rewrap.
func TestRewrapOnPostgresWhileAnotherReplicaReads(t *testing.T) {
	ctx := t.Context()
	url := pgtest.Database(t)
	old, next := patientkeystest.Master(t), patientkeystest.Master(t)
	a := openAt(t, url, old)
	b := openAt(t, url, keyring{old, next})
	nums := nhsnumber.TestNumbers(5)
	refs, sealed := make([]string, len(nums)), make([][]byte, len(nums))
	for i, n := range nums {
		var err error
		refs[i], err = a.PatientRef(ctx, n)
		require.NoError(t, err)
		sealed[i], err = a.Seal(ctx, refs[i], "nhs_number", []byte(n))
		require.NoError(t, err)
	}
	read := func(i int) error {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		got, err := b.Open(rctx, refs[i], "nhs_number", sealed[i])
		if err == nil && string(got) != nums[i] {
			t.Errorf("read %d: another value", i)
		}
		return err
	}

	held := &blockingMaster{MasterKey: next, entered: make(chan struct{}), release: make(chan struct{})}
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(held.release) }) }
	t.Cleanup(release) // before the vaults close, if the test fails while the rewrap is held
	rewrapped := make(chan error, 1)
	go func() { rewrapped <- a.Rewrap(ctx, held) }()
	<-held.entered // the rewrap's transaction has locked the table and the vault row
	for i := range nums[1:] {
		require.NoError(t, read(i+1), "a read blocked or failed while the rewrap was open")
	}
	erased := make(chan error, 1)
	go func() { _, err := b.Erase(ctx, refs[0]); erased <- err }()

	var reads, failures atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := read(1 + i%(len(nums)-1)); err != nil {
				failures.Add(1)
			}
			reads.Add(1)
		}
	})
	time.AfterFunc(100*time.Millisecond, release)
	require.NoError(t, <-rewrapped)
	require.NoError(t, <-erased)
	close(stop)
	wg.Wait()
	require.Zero(t, failures.Load(), "reads failed across the rewrap's commit (of %d)", reads.Load())

	c := openAt(t, url, next)
	for i := range nums[1:] {
		got, err := c.Open(ctx, refs[i+1], "nhs_number", sealed[i+1])
		require.NoError(t, err, "patient %d after the rewrap, with the new master key only", i+1)
		require.Equal(t, nums[i+1], string(got))
	}
	_, err := c.Open(ctx, refs[0], "nhs_number", sealed[0])
	require.ErrorIs(t, err, patientkeys.ErrErased, "the rewrap brought back a key erased meanwhile")
	_, err = patientkeys.Open(ctx, url, old)
	require.ErrorIs(t, err, patientkeys.ErrWrongMasterKey)
}

// TestOpenPostgresErrorsNeverShowThePassword: a URL that does not parse, and a server that
// does not answer, fail Open with errors that name the place without its password.
func TestOpenPostgresErrorsNeverShowThePassword(t *testing.T) {
	master := patientkeystest.Master(t)
	for _, url := range []string{
		"postgres://coordinator:s3cret@db:notaport/vault",
		"postgresql://coordinator:s3cret@127.0.0.1:1/vault?connect_timeout=2",
	} {
		_, err := patientkeys.Open(t.Context(), url, master)
		require.Error(t, err)
		require.NotContains(t, err.Error(), "s3cret")
	}
}

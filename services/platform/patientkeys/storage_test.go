package patientkeys

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/pgserver/pgtest"
)

// forEachStore runs test on n stores (each with its own connections, as n processes would) on
// one new database of each engine.
func forEachStore(t *testing.T, n int, test func(t *testing.T, stores []storage)) {
	t.Helper()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			location := filepath.Join(t.TempDir(), "vault.db")
			if engine == "postgres" {
				location = pgtest.Database(t)
			}
			stores := make([]storage, n)
			for i := range stores {
				var err error
				if engine == "postgres" {
					stores[i], err = openPostgres(t.Context(), location)
				} else {
					stores[i], err = openSQLite(t.Context(), location)
				}
				require.NoError(t, err)
				t.Cleanup(func() { _ = stores[i].close() })
			}
			test(t, stores)
		})
	}
}

// TestStoreFirstWriterWins: stores on one database racing to set up the vault's index key, or
// to add the same patient under different references, all end with the first writer's.
func TestStoreFirstWriterWins(t *testing.T) {
	forEachStore(t, 2, func(t *testing.T, stores []storage) {
		ctx := t.Context()
		const racers = 16
		type answer struct {
			index []byte
			id    string
			ref   string
		}
		answers := make([]answer, racers)
		errs := make([]error, racers)
		blind := randomBytes(32)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				s := stores[i%len(stores)]
				index, id, err := s.initMeta(ctx, randomBytes(KeySize), fmt.Sprintf("master-%d", i))
				ref, err2 := s.insertPatient(ctx, newRef(), blind, randomBytes(40))
				answers[i] = answer{index, id, ref}
				errs[i] = errors.Join(err, err2)
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		index, id, ok, err := stores[0].meta(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		ref, ok, err := stores[1].refByBlind(ctx, blind)
		require.NoError(t, err)
		require.True(t, ok)
		for i, a := range answers {
			require.Equal(t, answer{index, id, ref}, a, "racer %d", i)
		}
	})
}

// TestStoreRewrapFailureChangesNothing: a rewrap whose callback fails halfway keeps every key as
// it was, and erase reports whether there was a key.
func TestStoreRewrapFailureChangesNothing(t *testing.T) {
	forEachStore(t, 1, func(t *testing.T, stores []storage) {
		ctx := t.Context()
		s := stores[0]
		_, _, err := s.initMeta(ctx, []byte("index-1"), "m1")
		require.NoError(t, err)
		refs := []string{newRef(), newRef(), newRef()}
		for _, ref := range refs {
			_, err := s.insertPatient(ctx, ref, randomBytes(32), []byte("old-"+ref))
			require.NoError(t, err)
		}
		calls := 0
		err = s.rewrap(ctx, "m2", func([]byte) ([]byte, error) { return []byte("index-2"), nil },
			func(ref string, _ []byte) ([]byte, error) {
				if calls++; calls == 2 {
					return nil, fmt.Errorf("unwrap failed")
				}
				return []byte("new-" + ref), nil
			})
		require.Error(t, err)
		index, id, _, err := s.meta(ctx)
		require.NoError(t, err)
		require.Equal(t, "index-1/m1", string(index)+"/"+id)
		for _, ref := range refs {
			w, ok, err := s.wrappedKey(ctx, ref)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "old-"+ref, string(w))
		}

		require.NoError(t, s.rewrap(ctx, "m2", func([]byte) ([]byte, error) { return []byte("index-2"), nil },
			func(ref string, _ []byte) ([]byte, error) { return []byte("new-" + ref), nil }))
		w, _, err := s.wrappedKey(ctx, refs[0])
		require.NoError(t, err)
		require.Equal(t, "new-"+refs[0], string(w))

		existed, err := s.erase(ctx, refs[1])
		require.NoError(t, err)
		require.True(t, existed)
		existed, err = s.erase(ctx, refs[1])
		require.NoError(t, err)
		require.False(t, existed)
		_, ok, err := s.wrappedKey(ctx, refs[1])
		require.NoError(t, err)
		require.False(t, ok)
	})
}

package patientkeys_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys"
	"github.com/nhs-pathways/pathways/services/platform/patientkeys/patientkeystest"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

var numbers = nhsnumber.TestNumbers(3)

func TestSealOpenRoundTrip(t *testing.T) {
	ctx := t.Context()
	v := patientkeystest.Open(t)
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	require.True(t, patientkeys.LooksLikeRef(ref), "ref %q", ref)

	note := []byte("seen at home, marker-7f3a")
	sealed, err := v.Seal(ctx, ref, "discharge_note", note)
	require.NoError(t, err)
	require.Len(t, sealed, len(note)+patientkeys.SealOverhead)
	require.False(t, bytes.Contains(sealed, note), "the sealed value holds the plaintext")
	again, err := v.Seal(ctx, ref, "discharge_note", note)
	require.NoError(t, err)
	require.NotEqual(t, sealed, again, "two seals of one plaintext are equal: the nonce is not random")

	got, err := v.Open(ctx, ref, "discharge_note", sealed)
	require.NoError(t, err)
	require.Equal(t, note, got)
	empty, err := v.Seal(ctx, ref, "nhs_number", nil)
	require.NoError(t, err)
	got, err = v.Open(ctx, ref, "nhs_number", empty)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestOpenRefusesAnotherPurposeAnotherRefOrTamperedBytes(t *testing.T) {
	ctx := t.Context()
	v := patientkeystest.Open(t)
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	other, err := v.PatientRef(ctx, numbers[1])
	require.NoError(t, err)
	require.NotEqual(t, ref, other)
	sealed, err := v.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)

	_, err = v.Open(ctx, ref, "discharge_note", sealed)
	require.ErrorIs(t, err, patientkeys.ErrCorrupt, "another purpose")
	_, err = v.Open(ctx, other, "nhs_number", sealed)
	require.ErrorIs(t, err, patientkeys.ErrCorrupt, "another patient")
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x01
		_, err := v.Open(ctx, ref, "nhs_number", tampered)
		require.ErrorIs(t, err, patientkeys.ErrCorrupt, "byte %d flipped", i)
	}
	for _, short := range [][]byte{nil, sealed[:1], sealed[:len(sealed)-1]} {
		_, err := v.Open(ctx, ref, "nhs_number", short)
		require.ErrorIs(t, err, patientkeys.ErrCorrupt, "%d bytes", len(short))
	}
	require.NotContains(t, err.Error(), numbers[0])
}

func TestSameNumberSameRefOtherNumberOtherRef(t *testing.T) {
	forEachEngine(t, testSameNumberSameRefOtherNumberOtherRef)
}

func testSameNumberSameRefOtherNumberOtherRef(t *testing.T, location string) {
	ctx := t.Context()
	v := openAt(t, location, patientkeystest.Master(t))
	a, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	again, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	b, err := v.PatientRef(ctx, numbers[1])
	require.NoError(t, err)
	require.Equal(t, a, again)
	require.NotEqual(t, a, b)
}

func TestEraseMakesFieldsUnreadableAndTheNumberNew(t *testing.T) {
	forEachEngine(t, testEraseMakesFieldsUnreadableAndTheNumberNew)
}

func testEraseMakesFieldsUnreadableAndTheNumberNew(t *testing.T, location string) {
	ctx := t.Context()
	v := openAt(t, location, patientkeystest.Master(t))
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	kept, err := v.PatientRef(ctx, numbers[1])
	require.NoError(t, err)
	sealed, err := v.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)
	keptSealed, err := v.Seal(ctx, kept, "nhs_number", []byte(numbers[1]))
	require.NoError(t, err)
	_, err = v.Open(ctx, ref, "nhs_number", sealed) // the key is cached now
	require.NoError(t, err)

	existed, err := v.Erase(ctx, ref)
	require.NoError(t, err)
	require.True(t, existed)
	_, err = v.Open(ctx, ref, "nhs_number", sealed)
	require.ErrorIs(t, err, patientkeys.ErrErased)
	_, err = v.Seal(ctx, ref, "nhs_number", []byte("x"))
	require.ErrorIs(t, err, patientkeys.ErrErased)
	known, err := v.Known(ctx, ref)
	require.NoError(t, err)
	require.False(t, known)
	existed, err = v.Erase(ctx, ref)
	require.NoError(t, err)
	require.False(t, existed, "a second erase found a key")

	got, err := v.Open(ctx, kept, "nhs_number", keptSealed)
	require.NoError(t, err, "another patient's field")
	require.Equal(t, numbers[1], string(got))

	fresh, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	require.NotEqual(t, ref, fresh, "the same number got the erased reference back")
	_, err = v.Open(ctx, ref, "nhs_number", sealed)
	require.ErrorIs(t, err, patientkeys.ErrErased, "a new referral revived the erased key")
	_, err = v.Open(ctx, fresh, "nhs_number", sealed)
	require.ErrorIs(t, err, patientkeys.ErrCorrupt, "the new key opens the old field")
}

func TestUnknownRefIsErased(t *testing.T) {
	forEachEngine(t, testUnknownRefIsErased)
}

func testUnknownRefIsErased(t *testing.T, location string) {
	ctx := t.Context()
	v := openAt(t, location, patientkeystest.Master(t))
	ref := "pt-aaaaaaaaaaaaaaaaaaaaaaaaaa"
	require.True(t, patientkeys.LooksLikeRef(ref))
	_, err := v.Open(ctx, ref, "nhs_number", make([]byte, 40))
	require.ErrorIs(t, err, patientkeys.ErrErased)
	known, err := v.Known(ctx, ref)
	require.NoError(t, err)
	require.False(t, known)
}

func TestVaultPersistsAcrossReopen(t *testing.T) {
	forEachEngine(t, testVaultPersistsAcrossReopen)
}

func testVaultPersistsAcrossReopen(t *testing.T, path string) {
	ctx := t.Context()
	keyPath := filepath.Join(t.TempDir(), "keys", "master.key")
	master, err := patientkeys.LocalMasterKey(keyPath, true)
	require.NoError(t, err)
	v, err := patientkeys.Open(ctx, path, master)
	require.NoError(t, err)
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	sealed, err := v.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)
	require.NoError(t, v.Close())

	master, err = patientkeys.LocalMasterKey(keyPath, false)
	require.NoError(t, err)
	v, err = patientkeys.Open(ctx, path, master)
	require.NoError(t, err)
	defer func() { require.NoError(t, v.Close()) }()
	again, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	require.Equal(t, ref, again, "the number got a new reference after a restart")
	got, err := v.Open(ctx, ref, "nhs_number", sealed)
	require.NoError(t, err)
	require.Equal(t, numbers[0], string(got))
}

func TestOpenWithAnotherMasterKeyFailsClearly(t *testing.T) {
	forEachEngine(t, testOpenWithAnotherMasterKeyFailsClearly)
}

func testOpenWithAnotherMasterKeyFailsClearly(t *testing.T, path string) {
	ctx := t.Context()
	right, wrong := patientkeystest.Master(t), patientkeystest.Master(t)
	v, err := patientkeys.Open(ctx, path, right)
	require.NoError(t, err)
	require.NoError(t, v.Close())

	_, err = patientkeys.Open(ctx, path, wrong)
	require.ErrorIs(t, err, patientkeys.ErrWrongMasterKey)
	require.ErrorContains(t, err, right.ID(), "the error does not name the key the vault expects")
	require.ErrorContains(t, err, wrong.ID())
}

func TestBadInputNamesTheFieldAndNeverTheNumber(t *testing.T) {
	ctx := t.Context()
	v := patientkeystest.Open(t)
	bad := numbers[0][:9] + string('0'+(numbers[0][9]-'0'+1)%10)
	_, err := v.PatientRef(ctx, bad)
	requireInvalid(t, err, "nhs_number")
	require.NotContains(t, err.Error(), bad)

	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	for _, r := range []string{"", numbers[0], strings.ToUpper(ref), ref + "a", "pt-" + strings.Repeat("1", 26)} {
		_, err = v.Seal(ctx, r, "nhs_number", nil)
		requireInvalid(t, err, "ref")
		_, err = v.Erase(ctx, r)
		requireInvalid(t, err, "ref")
	}
	for _, p := range []string{"", "Nhs", "a\x00b", strings.Repeat("a", 65)} {
		_, err = v.Seal(ctx, ref, p, nil)
		requireInvalid(t, err, "purpose")
	}
	_, err = v.Open(ctx, "nope", "", nil)
	requireInvalid(t, err, "ref", "purpose")
}

func requireInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ve *fault.ValidationError
	require.ErrorAs(t, err, &ve)
	got := make([]string, len(ve.Violations))
	for i, v := range ve.Violations {
		got[i] = v.Field
	}
	require.Equal(t, fields, got)
}

// TestPatientRefConcurrentCallersGetOneRef: vaults on one store stand for processes (coordinator
// replicas, each with its own connections) opening a new store at once (racing to store the
// index key) and then asking for the same numbers from many goroutines: each number gets one
// reference everywhere.
func TestPatientRefConcurrentCallersGetOneRef(t *testing.T) {
	forEachEngine(t, testPatientRefConcurrentCallersGetOneRef)
}

func testPatientRefConcurrentCallersGetOneRef(t *testing.T, location string) {
	ctx := t.Context()
	master := patientkeystest.Master(t)
	const replicas, callers = 3, 48
	vaults := make([]*patientkeys.Vault, replicas)
	var wg sync.WaitGroup
	for i := range vaults {
		wg.Go(func() {
			v, err := patientkeys.Open(ctx, location, master)
			if err == nil {
				t.Cleanup(func() { _ = v.Close() })
			}
			assert.NoError(t, err)
			vaults[i] = v
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	refs := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { refs[i], errs[i] = vaults[i%replicas].PatientRef(ctx, numbers[i%len(numbers)]) })
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, refs[i%len(numbers)], refs[i], "caller %d got another reference", i)
	}
	require.Len(t, slices.Compact(slices.Sorted(slices.Values(refs))), len(numbers))
	for _, v := range vaults {
		for _, ref := range refs[:len(numbers)] {
			known, err := v.Known(ctx, ref)
			require.NoError(t, err)
			require.True(t, known)
		}
	}
}

// TestEraseTakesEffectAtOnceInAnotherVault: another process (replica) that has the key cached
// cannot use it once Erase has returned, without waiting for its cache to expire.
func TestEraseTakesEffectAtOnceInAnotherVault(t *testing.T) {
	forEachEngine(t, testEraseTakesEffectAtOnceInAnotherVault)
}

func testEraseTakesEffectAtOnceInAnotherVault(t *testing.T, path string) {
	ctx := t.Context()
	master := patientkeystest.Master(t)
	a, err := patientkeys.Open(ctx, path, master)
	require.NoError(t, err)
	defer func() { _ = a.Close() }()
	b, err := patientkeys.Open(ctx, path, master)
	require.NoError(t, err)
	defer func() { _ = b.Close() }()

	ref, err := a.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	sealed, err := a.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)
	_, err = b.Open(ctx, ref, "nhs_number", sealed) // b caches the key
	require.NoError(t, err)

	existed, err := a.Erase(ctx, ref)
	require.NoError(t, err)
	require.True(t, existed)
	_, err = b.Open(ctx, ref, "nhs_number", sealed)
	require.ErrorIs(t, err, patientkeys.ErrErased, "the other vault still used its cached key")
	_, err = b.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.ErrorIs(t, err, patientkeys.ErrErased, "the other vault still sealed with its cached key")
}

func TestRewrapMovesTheVaultToTheNewMasterKey(t *testing.T) {
	forEachEngine(t, testRewrapMovesTheVaultToTheNewMasterKey)
}

func testRewrapMovesTheVaultToTheNewMasterKey(t *testing.T, path string) {
	ctx := t.Context()
	old, next := patientkeystest.Master(t), patientkeystest.Master(t)
	v, err := patientkeys.Open(ctx, path, old)
	require.NoError(t, err)
	ref, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	sealed, err := v.Seal(ctx, ref, "nhs_number", []byte(numbers[0]))
	require.NoError(t, err)
	require.NoError(t, v.Rewrap(ctx, next))
	got, err := v.Open(ctx, ref, "nhs_number", sealed)
	require.NoError(t, err, "after rewrap, in the same process")
	require.Equal(t, numbers[0], string(got))
	require.NoError(t, v.Close())

	_, err = patientkeys.Open(ctx, path, old)
	require.ErrorIs(t, err, patientkeys.ErrWrongMasterKey, "the old master key still opens the vault")
	v, err = patientkeys.Open(ctx, path, next)
	require.NoError(t, err)
	defer func() { require.NoError(t, v.Close()) }()
	again, err := v.PatientRef(ctx, numbers[0])
	require.NoError(t, err)
	require.Equal(t, ref, again, "the index changed with the rotation")
	got, err = v.Open(ctx, ref, "nhs_number", sealed)
	require.NoError(t, err)
	require.Equal(t, numbers[0], string(got))
}

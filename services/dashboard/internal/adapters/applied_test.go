package adapters_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/migrate"
)

func referralFact(id, journey, pcn string, at time.Time) domain.Fact {
	f := fact(id, at)
	f.JourneyID, f.PCN = journey, pcn
	f.Kind, f.Referral = domain.KindReferral, &domain.Referral{ReferredAt: at}
	return f
}

func dischargeFact(id, journey, pcn string, at time.Time) domain.Fact {
	f := fact(id, at)
	f.JourneyID, f.PCN = journey, pcn
	f.Kind, f.Discharge = domain.KindDischarge, &domain.Reasoned{Reason: "goals met"}
	return f
}

// referrals counts the journeys referred in 2026 in pcn.
func referrals(t *testing.T, s app.ReadModel, pcn string) int {
	t.Helper()
	n := 0
	w := app.Window{From: noon(1, 1).Unix(), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}
	require.NoError(t, s.EachJourney(t.Context(), app.Dims{PCN: pcn}, w, func(r app.JourneyRow) error {
		if r.ReferredAt >= w.From {
			n++
		}
		return nil
	}))
	return n
}

// A fact is applied once: the same event ID with the same content is a duplicate, with other
// content it fails the whole batch, which changes nothing.
func TestFactsAreAppliedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine migrate.Engine) {
		s := openStore(t, engine)
		ref := referralFact("ev-1", "j1", "U1", noon(2, 1))
		dup, err := s.Apply(t.Context(), ref)
		require.NoError(t, err)
		require.Equal(t, []bool{false}, dup)
		dup, err = s.Apply(t.Context(), ref, referralFact("ev-2", "j2", "U1", noon(2, 2)), ref)
		require.NoError(t, err)
		require.Equal(t, []bool{true, false, true}, dup, "a repeat within a batch is a duplicate too")
		require.Equal(t, 2, referrals(t, s, "U1"))

		reused := referralFact("ev-1", "j9", "U1", noon(3, 1))
		_, err = s.Apply(t.Context(), referralFact("ev-3", "j3", "U1", noon(2, 3)), reused)
		require.ErrorIs(t, err, domain.ErrReusedEventID)
		require.Equal(t, 2, referrals(t, s, "U1"), "the failed batch applied nothing, j3 included")
		dup, err = s.Apply(t.Context(), referralFact("ev-3", "j3", "U1", noon(2, 3)))
		require.NoError(t, err)
		require.Equal(t, []bool{false}, dup, "ev-3 was not recorded by the failed batch")
	})
}

// Purge deletes the journeys closed before the cutoff with nothing since, keeps open and recent
// ones, and a fact of a purged journey pushed again is a duplicate that brings nothing back.
func TestPurgeDeletesClosedJourneysOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine migrate.Engine) {
		s := openStore(t, engine)
		old := referralFact("ev-old", "old", "U1", noon(1, 5))
		_, err := s.Apply(t.Context(), old, dischargeFact("ev-old-d", "old", "U1", noon(2, 1)),
			referralFact("ev-open", "open", "U1", noon(1, 6)),
			referralFact("ev-late", "late", "U1", noon(1, 7)), dischargeFact("ev-late-d", "late", "U1", noon(6, 1)))
		require.NoError(t, err)
		require.Equal(t, 3, referrals(t, s, "U1"))

		n, err := s.Purge(t.Context(), noon(4, 1).Unix())
		require.NoError(t, err)
		require.Equal(t, 1, n, "only the journey discharged before the cutoff")
		require.Equal(t, 2, referrals(t, s, "U1"))
		n, err = s.Purge(t.Context(), noon(4, 1).Unix())
		require.NoError(t, err)
		require.Zero(t, n)

		dup, err := s.Apply(t.Context(), old)
		require.NoError(t, err)
		require.Equal(t, []bool{true}, dup)
		require.Equal(t, 2, referrals(t, s, "U1"), "the purged journey stays purged")
	})
}

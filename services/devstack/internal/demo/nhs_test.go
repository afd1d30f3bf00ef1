package demo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func TestNHSNumbersAreValidDistinctAndInTheTestRange(t *testing.T) {
	got := NHSNumbers(40)
	require.Len(t, got, 40)
	seen := map[string]bool{}
	for _, n := range got {
		require.Len(t, n, 10)
		require.True(t, strings.HasPrefix(n, "999"), n)
		require.False(t, seen[n], "duplicate %s", n)
		seen[n] = true
		require.NoError(t, nhsnumber.Check(n), "the coordinator accepts every demo number")
	}
	require.Equal(t, "9990000018", got[0])
}

func TestPopulationCoversEveryStageWithFixedIDs(t *testing.T) {
	ends := map[string]bool{}
	ids := map[string]bool{}
	for _, p := range Population() {
		ends[p.Ends] = true
		require.False(t, ids[p.ReferralID], "referral IDs are unique: %s", p.ReferralID)
		ids[p.ReferralID] = true
		steps := map[string]bool{}
		for _, s := range p.steps {
			require.False(t, steps[s.requestID], "%s: request IDs are unique within a journey: %s", p.ReferralID, s.requestID)
			steps[s.requestID] = true
		}
	}
	for _, want := range []string{AwaitingTriage, TriageBreached, InIntervention, OutcomeReview, Discharged, Cancelled} {
		require.True(t, ends[want], want)
	}
	require.Equal(t, "DEMO-MSK-0001", Population()[0].ReferralID, "IDs do not change between runs")
}

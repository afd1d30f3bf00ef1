package demo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		name  string
		base  int
		check int
		ok    bool
	}{
		{"the published example 943 476 5919", 943476591, 9, true},
		{"first of the test range", 999000001, 8, true},
		{"remainder 0 gives check digit 0", 999000005, 0, true},
		{"remainder 1 would need check digit 10: not a valid number", 999000014, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check, ok := checkDigit(tt.base)
			require.Equal(t, tt.ok, ok)
			if tt.ok {
				require.Equal(t, tt.check, check)
			}
		})
	}
}

func TestNHSNumbersAreValidDistinctAndInTheTestRange(t *testing.T) {
	got := NHSNumbers(40)
	require.Len(t, got, 40)
	seen := map[string]bool{}
	for _, n := range got {
		require.Len(t, n, 10)
		require.True(t, strings.HasPrefix(n, "999"), n)
		require.False(t, seen[n], "duplicate %s", n)
		seen[n] = true
		sum := 0
		for i := range 9 {
			sum += int(n[i]-'0') * (10 - i)
		}
		want := (11 - sum%11) % 11
		require.NotEqual(t, 10, want, n)
		require.Equal(t, want, int(n[9]-'0'), n)
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

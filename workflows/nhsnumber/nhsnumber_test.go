package nhsnumber_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		number string
		want   error
	}{
		{"the published example 943 476 5919", "9434765919", nil},
		{"all nines", "9999999999", nil},
		{"remainder 0: check digit 11 becomes 0", "9990000050", nil},
		{"first of the test range", "9990000018", nil},
		{"wrong check digit", "9434765918", nhsnumber.ErrCheckDigit},
		{"nine digits whose check digit would be 10", "9990000001", nhsnumber.ErrRemainder},
		{"999000000 gives 10 too, whatever the last digit", "9990000000", nhsnumber.ErrRemainder},
		{"letters", "94347659A9", nhsnumber.ErrDigits},
		{"a letter as check digit", "999000001a", nhsnumber.ErrDigits},
		{"spaces inside", "943 476 59", nhsnumber.ErrDigits},
		{"too short", "943476591", nhsnumber.ErrLength},
		{"too long", "94347659190", nhsnumber.ErrLength},
		{"empty", "", nhsnumber.ErrLength},
		{"negative sign", "-434765919", nhsnumber.ErrDigits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := nhsnumber.Check(tt.number)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			if tt.number != "" {
				require.NotContains(t, err.Error(), tt.number[:min(len(tt.number), 6)], "the error never echoes the number")
			}
		})
	}
}

func TestFromBase(t *testing.T) {
	tests := []struct {
		name string
		base int
		want string
		ok   bool
	}{
		{"the published example", 943476591, "9434765919", true},
		{"first of the test range", 999000001, "9990000018", true},
		{"remainder 0 gives check digit 0", 999000005, "9990000050", true},
		{"remainder 1 would need check digit 10", 999000014, "", false},
		{"leading zeros kept", 1, "0000000019", true},
		{"more than nine digits", 1_000_000_000, "", false},
		{"negative", -1, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := nhsnumber.FromBase(tt.base)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.want, got)
			if ok {
				require.NoError(t, nhsnumber.Check(got))
			}
		})
	}
}

func TestTestNumbersAreValidDistinctAndInTheTestRange(t *testing.T) {
	got := nhsnumber.TestNumbers(40)
	require.Len(t, got, 40)
	seen := map[string]bool{}
	for _, n := range got {
		require.NoError(t, nhsnumber.Check(n), n)
		require.True(t, strings.HasPrefix(n, "999"), n)
		require.False(t, seen[n], "duplicate %s", n)
		seen[n] = true
	}
	require.Equal(t, []string{"9990000018", "9990000026", "9990000034", "9990000042", "9990000050"}, got[:5])
}

func TestContainsFindsNumbersShapedLikeAnNHSNumber(t *testing.T) {
	n, ok := nhsnumber.FromBase(nhsnumber.TestRangeFirst + 12345)
	if !ok {
		t.Fatal("no number")
	}
	grouped := n[:3] + " " + n[3:6] + " " + n[6:]
	dashed := n[:3] + "-" + n[3:6] + "-" + n[6:]
	for _, s := range []string{n, "ref-" + n, n + "-2026", "GP:" + grouped, "x" + dashed + "y"} {
		if !nhsnumber.Contains(s) {
			t.Errorf("Contains(%q) = false, want true", s)
		}
	}
	wrongCheck := n[:9] + string(rune('0'+(int(n[9]-'0')+1)%10))
	for _, s := range []string{"", "REF-2026-000123", wrongCheck, "1" + n, n + "7", n[:3] + " " + n[3:6] + "-" + n[6:], n[:3] + n[3:6] + " " + n[6:]} {
		if nhsnumber.Contains(s) {
			t.Errorf("Contains(%q) = true, want false", s)
		}
	}
}

package disclosure_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/disclosure"
)

func TestDefaultRuleSuppressesOneToSevenAndRoundsTheRestToFives(t *testing.T) {
	for _, c := range []struct {
		n, shown   int64
		suppressed bool
	}{
		{0, 0, false}, {1, 0, true}, {7, 0, true}, {8, 10, false}, {12, 10, false}, {13, 15, false},
		{22, 20, false}, {23, 25, false}, {165, 165, false}, {167, 165, false}, {168, 170, false},
	} {
		var tb disclosure.Table
		cell := tb.Count(c.n)
		tb.Disclose(disclosure.Default())
		shown, hidden := tb.Shown(cell)
		require.Equal(t, c.suppressed, hidden, "%d suppressed", c.n)
		require.Equal(t, c.shown, shown, "%d shown", c.n)
	}
}

// TestTableSuppressesACellTheTotalsWouldGiveBack is the hand-computed fixture: visits by PCN
// and month with row totals, column totals and a grand total.
//
//	         Jan  Feb  Mar | total
//	PCN A     20   15    3 |   38
//	PCN B     12   30   25 |   67
//	PCN C     40    0   22 |   62
//	total     72   45   50 |  167
//
// A/Mar (3) is small. Hidden alone, 38 - 20 - 15 gives it back, so row A hides its next-smallest
// cell, A/Feb (15). Column Feb then has one hidden cell: it hides 30 (B/Feb; non-zero cells go
// before the 0). Column Mar hides 22 (C/Mar). Second pass: row B has one hidden (30) and hides
// 12 (B/Jan); row C has one hidden (22) and hides 40 (C/Jan, not the 0). Every row and column
// now has two hidden cells or none; shown: A/Jan 20, C/Feb 0, B/Mar 25, and the totals rounded
// to fives.
func TestTableSuppressesACellTheTotalsWouldGiveBack(t *testing.T) {
	grid := [3][3]int64{{20, 15, 3}, {12, 30, 25}, {40, 0, 22}}
	var tb disclosure.Table
	var cells [3][3]disclosure.Cell
	for r := range grid {
		for c := range grid[r] {
			cells[r][c] = tb.Count(grid[r][c])
		}
	}
	rowTotals := []disclosure.Cell{tb.Count(38), tb.Count(67), tb.Count(62)}
	colTotals := []disclosure.Cell{tb.Count(72), tb.Count(45), tb.Count(50)}
	grand := tb.Count(167)
	for r := range grid {
		tb.Sum(rowTotals[r], cells[r][0], cells[r][1], cells[r][2])
	}
	for c := range 3 {
		tb.Sum(colTotals[c], cells[0][c], cells[1][c], cells[2][c])
	}
	tb.Sum(grand, colTotals...)
	tb.Disclose(disclosure.Default())

	hidden := [3][3]bool{{false, true, true}, {true, true, false}, {true, false, true}}
	shown := [3][3]int64{{20, 0, 0}, {0, 0, 25}, {0, 0, 0}}
	for r := range grid {
		for c := range grid[r] {
			v, h := tb.Shown(cells[r][c])
			require.Equal(t, hidden[r][c], h, "cell %d,%d (%d) hidden", r, c, grid[r][c])
			require.Equal(t, shown[r][c], v, "cell %d,%d shown", r, c)
		}
	}
	require.True(t, tb.Suppressed(cells[0][1]), "the row's secondary cell: 38 - 20 - 15 would give the 3 back")
	for i, want := range []int64{40, 65, 60} {
		v, h := tb.Shown(rowTotals[i])
		require.False(t, h)
		require.Equal(t, want, v)
	}
	for i, want := range []int64{70, 45, 50} {
		v, h := tb.Shown(colTotals[i])
		require.False(t, h)
		require.Equal(t, want, v)
	}
	v, _ := tb.Shown(grand)
	require.EqualValues(t, 165, v)
}

func TestSecondarySuppressionHidesTheTotalWhenNothingElseCan(t *testing.T) {
	var tb disclosure.Table
	only, total := tb.Count(4), tb.Count(9) // 9 = 4 + 5, the 5 not a part of the sum shown
	tb.Sum(total, only)
	tb.Disclose(disclosure.Default())
	require.True(t, tb.Suppressed(only))
	require.True(t, tb.Suppressed(total), "a total of one hidden part is that part")
}

func TestAShareWhoseBaseOrComplementIsSmallIsHidden(t *testing.T) {
	for _, c := range []struct {
		name                     string
		count, total             int64
		wantCount, wantTotal     int64
		countHidden, totalHidden bool
		percent                  bool
	}{
		{"base suppressed", 4, 5, 0, 0, true, true, false},
		{"count suppressed", 3, 40, 0, 40, true, false, false},
		{"complement 2 of 40 would give the count back", 38, 40, 0, 40, true, false, false},
		{"none small", 20, 42, 20, 40, false, false, true},
		{"zero of many", 0, 42, 0, 40, false, false, true},
	} {
		var tb disclosure.Table
		s := tb.Share(c.count, c.total)
		tb.Disclose(disclosure.Default())
		count, total, ch, th, pct := tb.ShareShown(s)
		require.Equal(t, []any{c.wantCount, c.wantTotal, c.countHidden, c.totalHidden, c.percent},
			[]any{count, total, ch, th, pct}, c.name)
	}
}

func TestFollowersGoWithTheirLeader(t *testing.T) {
	var tb disclosure.Table
	completed, cost := tb.Count(3), tb.Value(9000)
	seen, costSeen := tb.Count(30), tb.Value(90000)
	tb.Follow(completed, cost)
	tb.Follow(seen, costSeen)
	tb.Disclose(disclosure.Default())
	require.True(t, tb.Suppressed(cost), "3 completed at a known price: the cost gives the count back")
	v, hidden := tb.Shown(costSeen)
	require.False(t, hidden)
	require.EqualValues(t, 90000, v, "money is not rounded")
}

func TestExactRuleShowsEverything(t *testing.T) {
	var tb disclosure.Table
	a, total := tb.Count(3), tb.Count(13)
	tb.Sum(total, a, tb.Count(10))
	tb.Disclose(disclosure.Exact())
	v, hidden := tb.Shown(a)
	require.False(t, hidden)
	require.EqualValues(t, 3, v)
	require.False(t, disclosure.Exact().Applies())
	require.True(t, disclosure.Default().Applies())
}

func TestRuleValidationNamesTheFlag(t *testing.T) {
	err := disclosure.Rule{SuppressMin: 0, SuppressMax: 7, RoundTo: 0}.Validate()
	require.ErrorContains(t, err, "disclosure-suppress-min")
	require.ErrorContains(t, err, "disclosure-round-to")
	require.ErrorContains(t, disclosure.Rule{SuppressMin: 9, SuppressMax: 7, RoundTo: 5}.Validate(), "disclosure-suppress-min")
	require.ErrorContains(t, disclosure.Rule{SuppressMax: -1, RoundTo: 5}.Validate(), "disclosure-suppress-max")
	require.NoError(t, disclosure.Rule{SuppressMax: 0, RoundTo: 1}.Validate(), "suppression and rounding both off")
	require.NoError(t, disclosure.Default().Validate())
}

func TestNoteSaysTheConfiguredNumbers(t *testing.T) {
	n := disclosure.Rule{SuppressMin: 1, SuppressMax: 9, RoundTo: 10}.Note()
	require.Contains(t, n, "from 1 to 9")
	require.Contains(t, n, "nearest 10")
	require.Contains(t, n, "true counts")
}

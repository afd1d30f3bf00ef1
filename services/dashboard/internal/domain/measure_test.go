package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

func TestMinimalImportantChangeIsDirectionAware(t *testing.T) {
	cat := domain.MeasureDef{Code: "cat", LowerIsBetter: true, MIC: 2, HasMIC: true}
	mskHQ := domain.MeasureDef{Code: "msk-hq", MIC: 6, HasMIC: true}
	eq := domain.MeasureDef{Code: "eq5d5l-index"}
	tests := []struct {
		name              string
		def               domain.MeasureDef
		baseline, latest  float64
		reached, improved bool
	}{
		{"CAT falls by 2: reaches", cat, 20, 18, true, true},
		{"CAT falls by 1: improves only", cat, 20, 19, false, true},
		{"CAT rises by 3: worse, never reaches", cat, 20, 23, false, false},
		{"MSK-HQ rises by 6: reaches", mskHQ, 20, 26, true, true},
		{"MSK-HQ falls by 8: worse", mskHQ, 30, 22, false, false},
		{"no MIC set: never reaches", eq, 0.5, 0.9, false, true},
		{"no change: not improved", mskHQ, 30, 30, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := domain.Pair{Baseline: tt.baseline, HasBaseline: true, Latest: tt.latest}
			require.Equal(t, tt.reached, p.ReachedMIC(tt.def))
			require.Equal(t, tt.improved, p.Improved(tt.def))
		})
	}
}

func TestScoresOnAnotherScaleAreNeverPaired(t *testing.T) {
	mrc := domain.MeasureDef{Code: "mrc-dyspnoea", Scale: "MRC 1-5"}
	require.True(t, domain.Comparable(mrc, "MRC 1-5", "MRC 1-5"))
	require.False(t, domain.Comparable(mrc, "mMRC 0-4", "mMRC 0-4"))
	require.False(t, domain.Comparable(mrc, "MRC 1-5", "mMRC 0-4"))
	require.True(t, domain.Comparable(domain.MeasureDef{Code: "cat"}, "", ""))
}

func TestRTTWithinEighteenWeeksIsInclusive(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	require.True(t, domain.RTTWithinStandard(start, start.AddDate(0, 0, 126)))
	require.False(t, domain.RTTWithinStandard(start, start.AddDate(0, 0, 126).Add(time.Second)))
}

func TestMonthsAreLondonMonths(t *testing.T) {
	// 31 March 2026 23:30 UTC is 1 April 00:30 BST.
	require.Equal(t, "2026-04", domain.MonthOf(time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)).String())
	m, err := domain.ParseMonth("2026-03")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), m.End().UTC())
	// 28 March 23:30 GMT to 1 April 00:30 BST: four London calendar days, though 72 hours apart.
	require.Equal(t, 4, domain.DaysBetween(time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)))
}

func TestFilterDefaultsAndRules(t *testing.T) {
	now := time.Date(2026, 4, 15, 9, 0, 0, 0, time.UTC)
	f, err := domain.NewFilter(domain.FilterInput{}, now)
	require.NoError(t, err)
	require.Equal(t, "2025-05", f.Period.From.String())
	require.Equal(t, "2026-04", f.Period.To.String())

	_, err = domain.NewFilter(domain.FilterInput{FromMonth: "2020-01", ToMonth: "2026-03"}, now)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "filter.from_month", ve.Violations[0].Field)
	require.Contains(t, ve.Violations[0].Description, "at most 60 months")
}

func TestReadmissionWindowsCountLondonCalendarDays(t *testing.T) {
	discharged := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC) // 28 March, London (GMT)
	tests := []struct {
		name          string
		next          time.Time
		gap           int64
		isReadmission bool
	}{
		{"same London day", time.Date(2026, 3, 28, 23, 45, 0, 0, time.UTC), 0, true},
		// 31 March 23:30 UTC is 1 April 00:30 BST: four London days, though 72 hours later.
		{"over the clock change", time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), 4, true},
		{"began before the discharge", time.Date(2026, 3, 28, 10, 0, 0, 0, time.UTC), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gap, ok := domain.ReadmissionGap(discharged, tt.next)
			require.Equal(t, tt.isReadmission, ok)
			require.Equal(t, tt.gap, gap)
		})
	}
	day := domain.DayNumber(discharged)
	require.Equal(t, "2026-03-28", domain.Day(day))
	require.False(t, domain.WindowClosed(day, 30, day+30), "the 30th day after discharge is still in the window")
	require.True(t, domain.WindowClosed(day, 30, day+31))
}

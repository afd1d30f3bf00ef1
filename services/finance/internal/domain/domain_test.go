package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

func TestContractYearAndPeriodUseLondonDates(t *testing.T) {
	tests := []struct {
		name   string
		at     time.Time
		year   int
		period int
		month  string
	}{
		{"1 April London midnight is BST 31 March 23:00 UTC", time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), 2026, 1, "2026-04"},
		{"31 March 2027 22:59 UTC is 23:59 BST, still March", time.Date(2027, 3, 31, 22, 59, 0, 0, time.UTC), 2026, 12, "2027-03"},
		{"31 March 2027 23:30 UTC is 1 April 00:30 BST", time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC), 2027, 1, "2027-04"},
		{"January belongs to the year that started the April before", time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC), 2026, 10, "2027-01"},
		{"31 October 23:30 UTC is still October in GMT", time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), 2026, 7, "2026-10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.year, domain.ContractYearOf(tc.at))
			require.Equal(t, tc.period, domain.PeriodOf(tc.at))
			require.Equal(t, tc.month, domain.MonthOf(tc.at))
		})
	}
	require.Equal(t, 365, domain.DaysInYear(2026))
	require.Equal(t, 366, domain.DaysInYear(2027)) // includes 29 February 2028
	require.Equal(t, 1, domain.DaysElapsed(2026, time.Date(2026, 4, 1, 9, 0, 0, 0, domain.London)))
	require.Equal(t, 0, domain.DaysElapsed(2026, time.Date(2026, 3, 31, 9, 0, 0, 0, domain.London)))
	require.Equal(t, 365, domain.DaysElapsed(2026, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, 8, domain.ReleasedPeriods(2026, time.Date(2026, 11, 1, 0, 0, 0, 0, domain.London)))
	require.Equal(t, 7, domain.ReleasedPeriods(2026, time.Date(2026, 10, 31, 23, 59, 0, 0, domain.London)))
}

func terms() domain.Terms {
	return domain.Terms{PathwayID: "msk", Year: 2026, BudgetPence: 1_000_000_007, Currency: "GBP", WithholdBP: 125}
}

func TestDefaultScheduleSpreadsRemainderToEarliestPeriods(t *testing.T) {
	c, err := domain.Resolve("msk-2026", terms(), 0, nil)
	require.NoError(t, err)
	require.Equal(t, int64(12_500_000), c.Withhold) // floor(1,000,000,007 * 125 / 10000)
	var sum int64
	for _, a := range c.Schedule {
		sum += a
	}
	require.Equal(t, c.Allocatable(), sum, "every allocatable penny is scheduled")
	// 987,500,007 = 12 * 82,291,667 + 3
	require.Equal(t, []int64{82_291_668, 82_291_668, 82_291_668, 82_291_667}, c.Schedule[:4])
	require.Equal(t, int64(82_291_667), c.Schedule[11])
}

func TestAmendmentKeepsReleasedPeriods(t *testing.T) {
	tm := terms()
	c, err := domain.Resolve("msk-2026", tm, 0, nil)
	require.NoError(t, err)
	tm.BudgetPence = 1_200_000_000
	amended, err := domain.Resolve("msk-2026", tm, 1, c.Schedule[:3])
	require.NoError(t, err)
	require.Equal(t, c.Schedule[:3], amended.Schedule[:3])
	var sum int64
	for _, a := range amended.Schedule {
		sum += a
	}
	require.Equal(t, amended.Allocatable(), sum)

	tm.BudgetPence = 100_000_000 // less than the three periods already released
	_, err = domain.Resolve("msk-2026", tm, 1, c.Schedule[:3])
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "terms.annual_budget_pence", ve.Violations[0].Field)
}

func TestExplicitScheduleRules(t *testing.T) {
	tests := []struct {
		name     string
		schedule []domain.PeriodAmount
		released []int64
		field    string
	}{
		{"within budget", []domain.PeriodAmount{{1, 500_000_000}, {7, 487_500_007}}, nil, ""},
		{"over the allocatable budget", []domain.PeriodAmount{{1, 500_000_000}, {7, 487_500_008}}, nil, "terms.schedule"},
		{"period out of range", []domain.PeriodAmount{{13, 1}}, nil, "terms.schedule[0].period"},
		{"period twice", []domain.PeriodAmount{{2, 1}, {2, 1}}, nil, "terms.schedule[1].period"},
		{"negative amount", []domain.PeriodAmount{{2, -1}}, nil, "terms.schedule[0].amount_pence"},
		{"released period changed", []domain.PeriodAmount{{1, 10}}, []int64{11}, "terms.schedule"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm := terms()
			tm.Schedule = tc.schedule
			_, err := domain.Resolve("msk-2026", tm, 0, tc.released)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *domain.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Violations[0].Field)
		})
	}
}

func TestForecastRoundsHalfUp(t *testing.T) {
	tests := []struct {
		spent         int64
		elapsed, days int
		want          int64
	}{
		{100, 0, 365, 100},
		{100, 365, 365, 100},
		{100, 3, 365, 12167}, // 36500/3 = 12166.67
		{1, 2, 365, 183},     // 182.5 rounds up
		{1_000_000_000, 1, 366, 366_000_000_000},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, domain.Forecast(tc.spent, tc.elapsed, tc.days))
	}
}

func TestThresholdCrossings(t *testing.T) {
	tm := terms()
	tm.WithholdBP = 0
	tm.BudgetPence = 1_200_000
	tm.Thresholds = []domain.Threshold{{7500, domain.BasisAllocationToDate}, {10000, domain.BasisAnnualBudget}}
	c, err := domain.Resolve("msk-2026", tm, 0, nil)
	require.NoError(t, err)
	require.Empty(t, c.Crossings(1_000_000, 0), "no allocation released: nothing to measure against")
	require.Empty(t, c.Crossings(149_999, 2))
	got := c.Crossings(150_000, 2) // 75% of 200,000 released by May
	require.Len(t, got, 1)
	require.Equal(t, "to-date@2026-05/7500", got[0].Key)
	require.Len(t, c.Crossings(1_200_000, 12), 2)
}

func TestOutcomeTargets(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	improve := domain.Target{ID: "mic", Measure: "msk-hq", Rule: domain.RuleImprovement, MinChange: 6, TargetShareBP: 6000, WeightBP: 5000}
	journeys := []domain.JourneyScores{
		{Baseline: f(20), FollowUp: f(30)}, // +10 met
		{Baseline: f(20), FollowUp: f(25)}, // +5 not met
		{Baseline: f(10), FollowUp: f(16)}, // +6 met
		{FollowUp: f(40)},                  // no baseline: not measured
		{Baseline: f(10)},                  // no follow-up: not measured
	}
	a := improve.Evaluate(1_000_001, journeys)
	require.Equal(t, domain.Achievement{TargetID: "mic", Measured: 3, Met: 2, AchievedBP: 6666, TargetBP: 6000, Available: 500_000, Earned: 500_000}, a)
	improve.TargetShareBP = 7000
	require.Zero(t, improve.Evaluate(1_000_001, journeys).Earned)

	cat := domain.Target{ID: "cat", Measure: "cat", Rule: domain.RuleImprovement, MinChange: 2, LowerIsBetter: true, TargetShareBP: 5000, WeightBP: 10000}
	got := cat.Evaluate(100, []domain.JourneyScores{{Baseline: f(20), FollowUp: f(17)}, {Baseline: f(20), FollowUp: f(19)}})
	require.Equal(t, int64(1), got.Met)
	require.Equal(t, int64(100), got.Earned)
	require.Zero(t, cat.Evaluate(100, nil).Earned, "nothing measured earns nothing")
}

func TestTermsValidationListsEveryProblem(t *testing.T) {
	bad := domain.Terms{PathwayID: "MSK!", Year: 1999, BudgetPence: 0, Population: -1, Currency: "EUR", WithholdBP: 10001,
		Thresholds: []domain.Threshold{{0, 9}}, Targets: []domain.Target{{ID: "", WeightBP: 20000}}}
	var ve *domain.ValidationError
	require.ErrorAs(t, bad.Validate(), &ve)
	fields := map[string]bool{}
	for _, v := range ve.Violations {
		fields[v.Field] = true
	}
	for _, f := range []string{"terms.pathway_id", "terms.contract_year", "terms.annual_budget_pence", "terms.population", "terms.currency",
		"terms.withhold_bp", "terms.thresholds[0].rate_bp", "terms.thresholds[0].basis", "terms.outcome_targets[0].target_id",
		"terms.outcome_targets[0].measure_code", "terms.outcome_targets[0].rule", "terms.outcome_targets[0].weight_bp", "terms.outcome_targets"} {
		require.True(t, fields[f], "missing violation of %s in %v", f, ve)
	}
}

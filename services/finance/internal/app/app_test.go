package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// now is the tests' clock: 22 November 2026, day 236 of contract year 2026 (365 days), period 8.
var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newApp(t *testing.T) (*App, *fakeLedger) {
	t.Helper()
	l := newFakeLedger()
	return New(l, gobEvents{}, func() time.Time { return now }, nil), l
}

// mskTerms is a £12m MSK contract for 2026 with a 1.25% withhold (£150,000), so 12 releases of
// £987,500, an MSK-HQ improvement target (+6 in 60% of journeys) and the unit prices of mskPrices.
func mskTerms() domain.Terms {
	return domain.Terms{
		PathwayID: "msk", Year: 2026, BudgetPence: 1_200_000_000, Population: 300_000, Currency: "GBP", WithholdBP: 125,
		Targets: []domain.Target{{ID: "msk-hq-mic", Measure: "msk-hq", Rule: domain.RuleImprovement, MinChange: 6,
			TargetShareBP: 6000, WeightBP: 10000}},
		Prices: mskPrices(),
	}
}

// mskPrices are the MSK contract's agreed unit prices.
func mskPrices() []domain.InterventionPrice {
	return []domain.InterventionPrice{{Code: "physio-f2f", Pence: 4_500}, {Code: "physio-group", Pence: 36_000},
		{Code: "physio-course", Pence: 100_000}, {Code: "msk-mri", Pence: 100_000}, {Code: "cats", Pence: 100}}
}

func create(t *testing.T, a *App, terms domain.Terms) domain.Contract {
	t.Helper()
	c, err := a.CreateContract(t.Context(), "fiona", terms)
	require.NoError(t, err)
	return c
}

// activity is a costed activity of journey on date (London) stating price.
func activity(t *testing.T, eventID, journey, provider, code string, price int64, date string) domain.Activity {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", date, domain.London)
	require.NoError(t, err)
	return domain.Activity{EventID: eventID, JourneyID: journey, PathwayID: "msk", InterventionID: journey + "/iv-1",
		InterventionCode: code, Provider: provider, StatedPricePence: price, OccurredAt: at.UTC(), PCN: "U12345", Segment: 2}
}

func record(t *testing.T, a *App, act domain.Activity) {
	t.Helper()
	dup, err := a.RecordActivity(t.Context(), act, []byte("hash of "+act.EventID))
	require.NoError(t, err)
	require.False(t, dup)
}

// kinds lists the outbox events by type name, in order.
func kinds(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = typeName(e)
	}
	return out
}

func typeName(e Event) string {
	switch e.(type) {
	case ContractCreated:
		return "ContractCreated"
	case ContractAmended:
		return "ContractAmended"
	case AllocationReleased:
		return "AllocationReleased"
	case ActivityCosted:
		return "ActivityCosted"
	case ProviderPayable:
		return "ProviderPayable"
	case ThresholdCrossed:
		return "ThresholdCrossed"
	case OutcomeIncentiveEarned:
		return "OutcomeIncentiveEarned"
	}
	return "?"
}

func requireKind(t *testing.T, err error, kind domain.Kind, contains string) {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, kind, de.Kind, de.Error())
	require.Contains(t, de.Error(), contains)
}

func requireViolation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, v := range ve.Violations {
		fields = append(fields, v.Field)
	}
	require.Contains(t, fields, field, ve.Error())
}

func TestCreateContractReleasesThePeriodsAlreadyDue(t *testing.T) {
	a, l := newApp(t)
	c := create(t, a, mskTerms())
	require.Equal(t, "msk-2026", c.ID)
	require.EqualValues(t, 15_000_000, c.Withhold)
	want := []string{"ContractCreated"}
	for range 8 { // April to November 2026 have started
		want = append(want, "AllocationReleased")
	}
	require.Equal(t, want, kinds(l.events(t)))
	last := l.events(t)[8].(AllocationReleased)
	require.Equal(t, AllocationReleased{ContractID: "msk-2026", Period: 8, Month: "2026-11", AmountPence: 98_750_000,
		AllocatedToDatePence: 8 * 98_750_000}, last)

	// The release loop finds nothing more due today, and December's release once December starts.
	require.NoError(t, a.ReleaseDue(t.Context()))
	require.Len(t, l.events(t), 9)
	now := now
	a.now = func() time.Time { return now.AddDate(0, 0, 10) }
	require.NoError(t, a.ReleaseDue(t.Context()))
	require.NoError(t, a.ReleaseDue(t.Context()))
	require.Len(t, l.events(t), 10)
	require.Equal(t, "2026-12", l.events(t)[9].(AllocationReleased).Month)
}

func TestContractCommandsRefuseAndChangeNothing(t *testing.T) {
	badBudget := mskTerms()
	badBudget.BudgetPence = 0
	badCurrency := mskTerms()
	badCurrency.Currency = "EUR"
	otherPathway := mskTerms()
	otherPathway.PathwayID = "copd"
	tests := []struct {
		name    string
		command func(a *App) error
		check   func(t *testing.T, err error)
	}{
		{"a zero budget", func(a *App) error {
			_, err := a.CreateContract(context.Background(), "fiona", badBudget)
			return err
		}, func(t *testing.T, err error) { requireViolation(t, err, "terms.annual_budget_pence") }},
		{"a currency other than GBP", func(a *App) error {
			_, err := a.CreateContract(context.Background(), "fiona", badCurrency)
			return err
		}, func(t *testing.T, err error) { requireViolation(t, err, "terms.currency") }},
		{"the same contract twice", func(a *App) error {
			_, err := a.CreateContract(context.Background(), "fiona", mskTerms())
			return err
		}, func(t *testing.T, err error) { requireKind(t, err, domain.KindAlreadyExists, "amend it instead") }},
		{"an amendment of another pathway", func(a *App) error {
			_, err := a.AmendContract(context.Background(), "fiona", "msk-2026", otherPathway, 0, "")
			return err
		}, func(t *testing.T, err error) { requireViolation(t, err, "terms.pathway_id") }},
		{"an amendment at a stale amendment number", func(a *App) error {
			_, err := a.AmendContract(context.Background(), "fiona", "msk-2026", mskTerms(), 3, "")
			return err
		}, func(t *testing.T, err error) { requireKind(t, err, domain.KindConflict, "is at amendment 0, not 3") }},
		{"an amendment of an unknown contract", func(a *App) error {
			_, err := a.AmendContract(context.Background(), "fiona", "msk-2027", mskTerms(), 0, "")
			return err
		}, func(t *testing.T, err error) { requireKind(t, err, domain.KindNotFound, "msk-2027") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, l := newApp(t)
			create(t, a, mskTerms())
			before, _, err := l.Contract(t.Context(), "msk-2026")
			require.NoError(t, err)
			events := len(l.events(t))

			tt.check(t, tt.command(a))
			after, _, err := l.Contract(t.Context(), "msk-2026")
			require.NoError(t, err)
			require.Equal(t, before, after)
			require.Len(t, l.events(t), events)
		})
	}
}

func TestAmendContractKeepsReleasedPeriods(t *testing.T) {
	a, l := newApp(t)
	create(t, a, mskTerms())
	terms := mskTerms()
	terms.BudgetPence = 1_300_000_000 // +£1m: withhold £162,500, the rest over December to March
	c, err := a.AmendContract(t.Context(), "fiona", "msk-2026", terms, 0, "winter pressures")
	require.NoError(t, err)
	require.Equal(t, 1, c.Amendment)
	require.EqualValues(t, 98_750_000, c.Schedule[7])
	remaining := (1_300_000_000 - 16_250_000 - 8*98_750_000) / 4
	require.EqualValues(t, remaining, c.Schedule[8])
	require.Equal(t, c.Allocatable(), c.AllocatedBy(12))
	amended := l.events(t)[len(l.events(t))-1].(ContractAmended)
	require.Equal(t, ContractAmended{Contract: c, Actor: "fiona", Reason: "winter pressures"}, amended)
}

func TestIngestAppliesEachEventOnce(t *testing.T) {
	a, l := newApp(t)
	create(t, a, mskTerms())
	var conflicts []string
	a.OnConflict = func(kind string) { conflicts = append(conflicts, kind) }
	act := activity(t, "ev-1", "ref-1", "RTG", "physio-f2f", 4_500, "2026-10-14 10:00")
	events := len(l.events(t))

	dup, err := a.RecordActivity(t.Context(), act, []byte("h1"))
	require.NoError(t, err)
	require.False(t, dup)
	dup, err = a.RecordActivity(t.Context(), act, []byte("h1")) // resent: acknowledged, not charged again
	require.NoError(t, err)
	require.True(t, dup)
	other := act
	other.StatedPricePence = 9_000
	_, err = a.RecordActivity(t.Context(), other, []byte("h2")) // same ID, other content: refused
	requireKind(t, err, domain.KindAlreadyExists, "ev-1 was already applied with a different payload")
	require.Equal(t, []string{"activity"}, conflicts)

	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.EqualValues(t, 4_500, p.SpentPence)
	require.EqualValues(t, 1, p.Activities)
	require.Equal(t, []string{"ActivityCosted", "ProviderPayable"}, kinds(l.events(t)[events:]))
	require.Equal(t, ActivityCosted{ContractID: "msk-2026", SourceEventID: "ev-1", JourneyID: "ref-1", InterventionID: "ref-1/iv-1",
		InterventionCode: "physio-f2f", Provider: "RTG", UnitPricePence: 4_500, OccurredAt: act.OccurredAt, Month: "2026-10",
		PCN: "U12345", Segment: 2, SpentToDatePence: 4_500}, l.events(t)[events])
	require.Equal(t, ProviderPayable{ContractID: "msk-2026", SourceEventID: "ev-1", Provider: "RTG", Month: "2026-10",
		AmountPence: 4_500, PayableToDatePence: 4_500}, l.events(t)[events+1])

	// Outcomes follow the same rule.
	o := domain.Outcome{EventID: "ev-2", JourneyID: "ref-1", PathwayID: "msk", CollectionPoint: "baseline",
		Measures: map[string]float64{"msk-hq": 30}, OccurredAt: act.OccurredAt}
	dup, err = a.RecordOutcome(t.Context(), o, []byte("o1"))
	require.NoError(t, err)
	require.False(t, dup)
	dup, err = a.RecordOutcome(t.Context(), o, []byte("o1"))
	require.NoError(t, err)
	require.True(t, dup)
	_, err = a.RecordOutcome(t.Context(), o, []byte("o2"))
	requireKind(t, err, domain.KindAlreadyExists, "ev-2")
	require.Equal(t, []string{"activity", "outcome"}, conflicts)
}

func TestIngestRefusalsLeaveTheEventIDFree(t *testing.T) {
	a, l := newApp(t)
	noContract := activity(t, "ev-1", "ref-1", "RTG", "physio-f2f", 4_500, "2026-10-14 10:00")
	_, err := a.RecordActivity(t.Context(), noContract, []byte("h1"))
	requireKind(t, err, domain.KindFailedPrecondition, `no contract for pathway "msk" in contract year 2026`)
	free := noContract
	free.StatedPricePence = -1
	_, err = a.RecordActivity(t.Context(), free, []byte("h0"))
	requireViolation(t, err, "unit_price_pence")
	require.Empty(t, l.events(t))

	// Once the contract exists, the refused event applies: nothing of the refusals was kept.
	create(t, a, mskTerms())
	record(t, a, noContract)
	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.EqualValues(t, 4_500, p.SpentPence)
}

func TestThresholdCrossedOnce(t *testing.T) {
	a, l := newApp(t)
	create(t, a, domain.Terms{PathwayID: "msk", Year: 2026, BudgetPence: 120_000, Currency: "GBP",
		Thresholds: []domain.Threshold{{RateBP: 7500, Basis: domain.BasisAnnualBudget}},
		Prices:     []domain.InterventionPrice{{Code: "cats", Pence: 50_000}, {Code: "cats-review", Pence: 10_000}}})
	record(t, a, activity(t, "ev-1", "ref-1", "RTG", "cats", 50_000, "2026-05-01 09:00"))
	record(t, a, activity(t, "ev-2", "ref-2", "RTG", "cats", 50_000, "2026-06-01 09:00")) // 100,000 >= 90,000
	record(t, a, activity(t, "ev-3", "ref-3", "RTG", "cats-review", 10_000, "2026-07-01 09:00"))
	var crossed []ThresholdCrossed
	for _, e := range l.events(t) {
		if c, ok := e.(ThresholdCrossed); ok {
			crossed = append(crossed, c)
		}
	}
	require.Equal(t, []ThresholdCrossed{{ContractID: "msk-2026", Threshold: domain.Threshold{RateBP: 7500, Basis: domain.BasisAnnualBudget},
		SpentPence: 100_000, BasisPence: 120_000}}, crossed)
}

func TestPositionStatementAndExport(t *testing.T) {
	a, _ := newApp(t)
	create(t, a, mskTerms())
	record(t, a, activity(t, "ev-1", "ref-1", "RX1", "msk-mri", 100_000, "2026-04-20 09:00"))
	record(t, a, activity(t, "ev-2", "ref-2", "RTG", "physio-group", 36_000, "2026-11-02 14:30"))
	record(t, a, activity(t, "ev-3", "ref-3", "RTG", "physio-course", 100_000, "2026-10-05 08:15"))

	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.EqualValues(t, 790_000_000, p.AllocatedToDatePence) // 8 × £987,500
	require.EqualValues(t, 236_000, p.SpentPence)
	require.EqualValues(t, 789_764_000, p.RemainingPence)
	require.Equal(t, 236, p.DaysElapsed)
	require.Equal(t, 365, p.DaysInYear)
	require.EqualValues(t, 365_000, p.ForecastOutturnPence) // 236,000 × 365 / 236
	require.EqualValues(t, 1_185_000_000-365_000, p.VariancePence)
	require.Equal(t, []SpendLine{{Key: "RTG", SpentPence: 136_000, Activities: 2}, {Key: "RX1", SpentPence: 100_000, Activities: 1}}, p.ByProvider)
	require.Equal(t, []SpendLine{{Key: "msk-mri", SpentPence: 100_000, Activities: 1}, {Key: "physio-course", SpentPence: 100_000, Activities: 1},
		{Key: "physio-group", SpentPence: 36_000, Activities: 1}}, p.ByIntervention)
	require.Len(t, p.ByMonth, 12)
	require.Equal(t, SpendLine{Key: "2026-04", SpentPence: 100_000, Activities: 1, AllocatedPence: 98_750_000}, p.ByMonth[0])
	require.Equal(t, SpendLine{Key: "2027-03", AllocatedPence: 98_750_000}, p.ByMonth[11])
	require.Equal(t, []OutcomeStatus{{Achievement: domain.Achievement{TargetID: "msk-hq-mic", TargetBP: 6000, Available: 15_000_000}}}, p.Outcomes)

	asOf, err := a.Position(t.Context(), "msk-2026", time.Date(2026, 4, 10, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.EqualValues(t, 98_750_000, asOf.AllocatedToDatePence)

	st, err := a.Statement(t.Context(), "msk-2026", "RTG", "")
	require.NoError(t, err)
	require.Equal(t, Statement{ContractID: "msk-2026", Provider: "RTG", TotalPence: 136_000, Lines: []StatementLine{
		{Month: "2026-10", InterventionCode: "physio-course", Activities: 1, AmountPence: 100_000},
		{Month: "2026-11", InterventionCode: "physio-group", Activities: 1, AmountPence: 36_000},
	}}, st)
	_, err = a.Statement(t.Context(), "msk-2026", "", "2027-04")
	requireViolation(t, err, "provider")
	requireViolation(t, err, "month")
	_, err = a.Statement(t.Context(), "copd-2026", "RTG", "")
	requireKind(t, err, domain.KindNotFound, "copd-2026")

	csv, err := a.ExportMonth(t.Context(), "msk-2026", "2026-11")
	require.NoError(t, err)
	require.Equal(t, strings.Join(CSVHeader, ",")+"\n"+
		"ev-2,2026-11-02T14:30:00.000000000Z,2026-11,RTG,physio-group,ref-2/iv-1,ref-2,U12345,2,36000,360.00\n", string(csv))
	_, err = a.ExportMonth(t.Context(), "msk-2026", "2026-13")
	requireViolation(t, err, "month")
}

func TestSettleOutcomeIncentiveOnce(t *testing.T) {
	a, l := newApp(t)
	create(t, a, mskTerms())
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	scores := []struct {
		journey           string
		baseline, dischge float64
	}{{"ref-1", 30, 44}, {"ref-2", 30, 36}, {"ref-3", 40, 41}} // +14 and +6 meet +6; +1 does not: 66.66% ≥ 60%
	for i, s := range scores {
		for j, point := range map[string]float64{"baseline": s.baseline, "discharge": s.dischge} {
			o := domain.Outcome{EventID: s.journey + "/" + j, JourneyID: s.journey, PathwayID: "msk", CollectionPoint: j,
				Measures: map[string]float64{"msk-hq": point}, OccurredAt: at.Add(time.Duration(i) * time.Hour)}
			_, err := a.RecordOutcome(t.Context(), o, []byte(o.EventID))
			require.NoError(t, err)
		}
	}
	want := OutcomeStatus{Achievement: domain.Achievement{TargetID: "msk-hq-mic", Measured: 3, Met: 2, AchievedBP: 6666, TargetBP: 6000,
		Available: 15_000_000, Earned: 15_000_000}, Settled: true}

	s, err := a.SettleOutcomeIncentive(t.Context(), "msk-2026")
	require.NoError(t, err)
	require.Equal(t, Settlement{Outcomes: []OutcomeStatus{want}, EarnedPence: 15_000_000}, s)
	require.Equal(t, OutcomeIncentiveEarned{ContractID: "msk-2026", Outcome: want}, l.events(t)[len(l.events(t))-1])
	p, err := a.Position(t.Context(), "msk-2026", time.Time{})
	require.NoError(t, err)
	require.Equal(t, []OutcomeStatus{want}, p.Outcomes)

	events := len(l.events(t))
	_, err = a.SettleOutcomeIncentive(t.Context(), "msk-2026")
	requireKind(t, err, domain.KindFailedPrecondition, "already settled")
	require.Len(t, l.events(t), events)
}

func TestFollow(t *testing.T) {
	a, l := newApp(t)
	create(t, a, mskTerms())  // cursors 1-9
	for i := range feedPage { // more than a page, so catch-up takes several reads
		record(t, a, activity(t, fmt.Sprintf("ev-%d", i), "ref-1", "RTG", "cats", 100, "2026-10-01 09:00"))
	}
	total := len(l.events(t))

	t.Run("from a cursor: every later event once, in order", func(t *testing.T) {
		for _, after := range []uint64{0, 1, 9, uint64(total - 1), uint64(total)} {
			got := followUntil(t, a, after, total)
			require.Len(t, got, total-int(after))
		}
	})

	t.Run("live: a commit after catch-up is delivered", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		got := make(chan OutboxEvent, 1)
		done := make(chan error, 1)
		go func() {
			done <- a.Follow(ctx, uint64(total), func(e OutboxEvent) error { got <- e; return nil })
		}()
		record(t, a, activity(t, "ev-live", "ref-2", "RTG", "cats", 100, "2026-10-02 09:00"))
		e := <-got
		require.Equal(t, uint64(total+1), e.Seq)
		require.Equal(t, "ev-live", decodeEvent(t, e.Payload).(ActivityCosted).SourceEventID)
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})

	t.Run("a failed send ends the feed with its error", func(t *testing.T) {
		stop := errors.New("client gone")
		err := a.Follow(t.Context(), 0, func(OutboxEvent) error { return stop })
		require.ErrorIs(t, err, stop)
	})

	t.Run("shutdown ends a waiting feed", func(t *testing.T) {
		done := make(chan error, 1)
		go func() { done <- a.Follow(t.Context(), uint64(total+1), func(OutboxEvent) error { return nil }) }()
		a.Shutdown()
		a.Shutdown() // more than once is fine
		require.ErrorIs(t, <-done, ErrShuttingDown)
	})
}

// followUntil follows from after until the event at cursor last has been sent, failing on a
// cursor out of sequence.
func followUntil(t *testing.T, a *App, after uint64, last int) []OutboxEvent {
	t.Helper()
	if after >= uint64(last) {
		return nil
	}
	reached := errors.New("reached the last event")
	var got []OutboxEvent
	err := a.Follow(t.Context(), after, func(e OutboxEvent) error {
		if want := after + uint64(len(got)) + 1; e.Seq != want {
			return fmt.Errorf("sent cursor %d, want %d: the feed skipped or repeated", e.Seq, want)
		}
		got = append(got, e)
		if e.Seq == uint64(last) {
			return reached
		}
		return nil
	})
	require.ErrorIs(t, err, reached)
	return got
}

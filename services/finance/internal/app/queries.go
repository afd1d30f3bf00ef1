package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Position is where a contract's budget stands at a date and where it is heading.
type Position struct {
	ContractID           string
	AnnualBudgetPence    int64
	WithholdPence        int64
	AllocatedToDatePence int64
	SpentPence           int64
	Activities           int64
	RemainingPence       int64 // allocated to date less spent
	ForecastOutturnPence int64
	VariancePence        int64 // allocatable budget less forecast: positive is an underspend
	DaysElapsed          int
	DaysInYear           int
	ByProvider           []SpendLine
	ByIntervention       []SpendLine
	ByMonth              []SpendLine // all 12 months of the contract year, with their allocation
	Outcomes             []OutcomeStatus
}

// OutcomeStatus is how an outcome target stands, and whether the contract is settled.
type OutcomeStatus struct {
	domain.Achievement
	Settled bool
}

// Position returns the budget position of a contract at asOf (zero: now). Allocation to date
// counts the periods started by asOf; the forecast scales spend to the year by days elapsed
// (domain.Forecast); variance is the allocatable budget less the forecast.
func (a *App) Position(ctx context.Context, id string, asOf time.Time) (Position, error) {
	if asOf.IsZero() {
		asOf = a.now()
	}
	row, err := a.Contract(ctx, id)
	if err != nil {
		return Position{}, err
	}
	c := row.Contract
	year := c.Terms.Year
	released := domain.ReleasedPeriods(year, asOf)
	p := Position{
		ContractID: id, AnnualBudgetPence: c.Terms.BudgetPence, WithholdPence: c.Withhold,
		AllocatedToDatePence: c.AllocatedBy(released), SpentPence: row.Spent, Activities: row.Activities,
		DaysElapsed: domain.DaysElapsed(year, asOf), DaysInYear: domain.DaysInYear(year),
	}
	p.RemainingPence = p.AllocatedToDatePence - p.SpentPence
	p.ForecastOutturnPence = domain.Forecast(row.Spent, p.DaysElapsed, p.DaysInYear)
	p.VariancePence = c.Allocatable() - p.ForecastOutturnPence
	if p.ByProvider, err = a.ledger.SpendBy(ctx, id, ByProvider); err != nil {
		return Position{}, err
	}
	if p.ByIntervention, err = a.ledger.SpendBy(ctx, id, ByIntervention); err != nil {
		return Position{}, err
	}
	if p.ByMonth, err = a.months(ctx, c); err != nil {
		return Position{}, err
	}
	if p.Outcomes, err = a.outcomes(ctx, row); err != nil {
		return Position{}, err
	}
	return p, nil
}

// months returns all 12 months of the contract year with their allocation and spend.
func (a *App) months(ctx context.Context, c domain.Contract) ([]SpendLine, error) {
	ls, err := a.ledger.SpendBy(ctx, c.ID, ByMonth)
	if err != nil {
		return nil, err
	}
	spent := map[string]SpendLine{}
	for _, l := range ls {
		spent[l.Key] = l
	}
	out := make([]SpendLine, domain.Periods)
	for p := 1; p <= domain.Periods; p++ {
		m := domain.PeriodMonth(c.Terms.Year, p)
		out[p-1] = SpendLine{Key: m, SpentPence: spent[m].SpentPence, Activities: spent[m].Activities, AllocatedPence: c.Schedule[p-1]}
	}
	return out, nil
}

func (a *App) outcomes(ctx context.Context, row ContractRow) ([]OutcomeStatus, error) {
	achieved, err := a.achievements(ctx, row.Contract)
	if err != nil {
		return nil, err
	}
	out := make([]OutcomeStatus, len(achieved))
	for i, ac := range achieved {
		out[i] = OutcomeStatus{Achievement: ac, Settled: row.Settled}
	}
	return out, nil
}

func (a *App) achievements(ctx context.Context, c domain.Contract) ([]domain.Achievement, error) {
	out := make([]domain.Achievement, 0, len(c.Terms.Targets))
	for _, t := range c.Terms.Targets {
		pairs, err := a.ledger.Scores(ctx, c.ID, c.Terms.PathwayID, t.Measure, t.Point())
		if err != nil {
			return nil, err
		}
		js := make([]domain.JourneyScores, len(pairs))
		for i := range pairs {
			js[i] = domain.JourneyScores{Baseline: pairs[i].Baseline, FollowUp: &pairs[i].FollowUp}
		}
		out = append(out, t.Evaluate(c.Withhold, js))
	}
	return out, nil
}

// Statement is what a provider is owed under a contract.
type Statement struct {
	ContractID string
	Provider   string
	Lines      []StatementLine // by month, then intervention
	TotalPence int64
}

// Statement returns what provider is owed under a contract, by month and intervention; month
// "" means the whole year.
func (a *App) Statement(ctx context.Context, id, provider, month string) (Statement, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return Statement{}, err
	}
	var vs domain.Violations
	if provider == "" {
		vs.Add("provider", "is required")
	}
	if month != "" {
		if _, err := domain.PeriodOfMonth(row.Contract.Terms.Year, month); err != nil {
			vs.Add("month", "%v", err)
		}
	}
	if err := vs.Err(); err != nil {
		return Statement{}, err
	}
	ls, err := a.ledger.Statement(ctx, id, provider, month)
	if err != nil {
		return Statement{}, err
	}
	out := Statement{ContractID: id, Provider: provider, Lines: ls}
	for _, l := range ls {
		out.TotalPence += l.AmountPence
	}
	return out, nil
}

// CSVHeader is the header row of a month export.
var CSVHeader = []string{"event_id", "occurred_at", "month", "provider", "intervention_code", "intervention_id",
	"journey_id", "pcn_ods_code", "segment", "unit_price_pence", "unit_price_gbp"}

// CSVTimeLayout is how an export writes times: UTC with nanoseconds, fixed width.
const CSVTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// ExportMonth returns every charge of one month of a contract as CSV, ordered by time.
func (a *App) ExportMonth(ctx context.Context, id, month string) ([]byte, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := domain.PeriodOfMonth(row.Contract.Terms.Year, month); err != nil {
		return nil, domain.Invalid("month", "%v", err)
	}
	charges, err := a.ledger.MonthCharges(ctx, id, month)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVHeader)
	for _, c := range charges {
		_ = w.Write([]string{c.EventID, c.OccurredAt.UTC().Format(CSVTimeLayout), c.Month, c.Provider, c.InterventionCode, c.InterventionID,
			c.JourneyID, c.PCN, strconv.Itoa(int(c.Segment)), strconv.FormatInt(c.PricePence, 10), pounds(c.PricePence)})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// pounds formats pence as pounds with two decimals, exactly.
func pounds(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
}

package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Position returns the budget position of a contract at asOf (zero: now). Allocation to date
// counts the periods started by asOf; the forecast scales spend to the year by days elapsed
// (domain.Forecast); variance is the allocatable budget less the forecast.
func (a *App) Position(ctx context.Context, id string, asOf time.Time) (*financev1.GetBudgetPositionResponse, error) {
	if asOf.IsZero() {
		asOf = a.now()
	}
	row, err := a.Contract(ctx, id)
	if err != nil {
		return nil, err
	}
	c := row.Contract
	year := c.Terms.Year
	released := domain.ReleasedPeriods(year, asOf)
	p := &financev1.GetBudgetPositionResponse{
		ContractId: id, AnnualBudgetPence: c.Terms.BudgetPence, WithholdPence: c.Withhold,
		AllocatedToDatePence: c.AllocatedBy(released), SpentPence: row.Spent, Activities: row.Activities,
		DaysElapsed: int32(domain.DaysElapsed(year, asOf)), DaysInYear: int32(domain.DaysInYear(year)),
	}
	p.RemainingPence = p.AllocatedToDatePence - p.SpentPence
	p.ForecastOutturnPence = domain.Forecast(row.Spent, int(p.DaysElapsed), int(p.DaysInYear))
	p.VariancePence = c.Allocatable() - p.ForecastOutturnPence
	if p.ByProvider, err = a.lines(ctx, id, "provider"); err != nil {
		return nil, err
	}
	if p.ByIntervention, err = a.lines(ctx, id, "intervention_code"); err != nil {
		return nil, err
	}
	if p.ByMonth, err = a.months(ctx, c); err != nil {
		return nil, err
	}
	p.Outcomes, err = a.outcomes(ctx, row)
	return p, err
}

func (a *App) lines(ctx context.Context, id, column string) ([]*financev1.SpendLine, error) {
	ls, err := a.store.SpendBy(ctx, id, column)
	out := make([]*financev1.SpendLine, len(ls))
	for i, l := range ls {
		out[i] = &financev1.SpendLine{Key: l.Key, SpentPence: l.Spent, Activities: l.Count}
	}
	return out, err
}

// months returns all 12 months of the contract year with their allocation and spend.
func (a *App) months(ctx context.Context, c domain.Contract) ([]*financev1.SpendLine, error) {
	ls, err := a.store.SpendBy(ctx, c.ID, "month")
	if err != nil {
		return nil, err
	}
	spent := map[string]adapters.Line{}
	for _, l := range ls {
		spent[l.Key] = l
	}
	out := make([]*financev1.SpendLine, domain.Periods)
	for p := 1; p <= domain.Periods; p++ {
		m := domain.PeriodMonth(c.Terms.Year, p)
		out[p-1] = &financev1.SpendLine{Key: m, SpentPence: spent[m].Spent, Activities: spent[m].Count, AllocatedPence: c.Schedule[p-1]}
	}
	return out, nil
}

func (a *App) outcomes(ctx context.Context, row adapters.ContractRow) ([]*financev1.OutcomeStatus, error) {
	achieved, err := a.achievements(ctx, row.Contract)
	out := make([]*financev1.OutcomeStatus, len(achieved))
	for i, ac := range achieved {
		out[i] = achievementProto(ac, row.Settled)
	}
	return out, err
}

func (a *App) achievements(ctx context.Context, c domain.Contract) ([]domain.Achievement, error) {
	out := make([]domain.Achievement, 0, len(c.Terms.Targets))
	for _, t := range c.Terms.Targets {
		pairs, err := a.store.Scores(ctx, c.ID, c.Terms.PathwayID, t.Measure, t.Point())
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

// Statement returns what provider is owed under a contract, by month and intervention.
func (a *App) Statement(ctx context.Context, id, provider, month string) (*financev1.GetProviderStatementResponse, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return nil, err
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
		return nil, err
	}
	ls, err := a.store.Statement(ctx, id, provider, month)
	if err != nil {
		return nil, err
	}
	out := &financev1.GetProviderStatementResponse{ContractId: id, Provider: provider}
	for _, l := range ls {
		out.Lines = append(out.Lines, &financev1.StatementLine{Month: l.Month, InterventionCode: l.InterventionCode, Activities: l.Count, AmountPence: l.Amount})
		out.TotalPence += l.Amount
	}
	return out, nil
}

// CSVHeader is the header row of a month export.
var CSVHeader = []string{"event_id", "occurred_at", "month", "provider", "intervention_code", "intervention_id",
	"journey_id", "pcn_ods_code", "segment", "unit_price_pence", "unit_price_gbp"}

// ExportMonth returns every charge of one month of a contract as CSV, ordered by time.
func (a *App) ExportMonth(ctx context.Context, id, month string) ([]byte, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := domain.PeriodOfMonth(row.Contract.Terms.Year, month); err != nil {
		return nil, domain.Invalid("month", "%v", err)
	}
	charges, err := a.store.MonthCharges(ctx, id, month)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(CSVHeader)
	for _, c := range charges {
		_ = w.Write([]string{c.EventID, c.OccurredAt, c.Month, c.Provider, c.InterventionCode, c.InterventionID, c.JourneyID,
			c.PCN, strconv.Itoa(int(c.Segment)), strconv.FormatInt(c.Price, 10), pounds(c.Price)})
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

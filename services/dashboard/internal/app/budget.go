package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// ContractYearOf is the contract year (April to March, named by its starting year) of a month.
func ContractYearOf(m domain.Month) int {
	if m.Month >= time.April {
		return m.Year
	}
	return m.Year - 1
}

// budget sums the budget position of the filtered pathway (or every pathway held) for the
// contract year of the period's last month. Budgets are held per pathway: a PCN or segment
// filter does not narrow them, and the scope says so.
func (a *App) budget(ctx context.Context, f domain.Filter) *dashboardv1.Budget {
	year := ContractYearOf(f.Period.To)
	b := &dashboardv1.Budget{Scope: fmt.Sprintf("contract year %d/%02d, whole pathway", year, (year+1)%100)}
	if f.PCN != "" || f.Segment != domain.SegmentUnspecified {
		b.Scope += " (budgets are not split by PCN or segment)"
	}
	if a.budgets == nil {
		b.Reason = "not available: no finance service configured"
		return b
	}
	pathways := []string{f.PathwayID}
	if f.PathwayID == "" {
		dims, err := a.Dimensions(ctx)
		if err != nil {
			b.Reason = "not available: " + err.Error()
			return b
		}
		pathways = dims.GetPathwayIds()
	}
	for _, p := range pathways {
		pos, err := a.budgets.Position(ctx, p, year)
		if errors.Is(err, ErrNoBudget) {
			continue
		}
		if err != nil {
			slog.WarnContext(ctx, "finance budget position failed", "pathway", p, "year", year, "error", err)
			b.Reason = "not available: the finance service did not answer"
			return b
		}
		b.ContractIds = append(b.ContractIds, pos.ContractID)
		b.SpentPence += pos.SpentPence
		b.AllocatedToDatePence += pos.AllocatedToDatePence
		b.AnnualBudgetPence += pos.AnnualBudgetPence
	}
	if len(b.ContractIds) == 0 {
		b.Reason = fmt.Sprintf("not available: finance holds no contract for contract year %d", year)
		return b
	}
	b.Available = true
	return b
}

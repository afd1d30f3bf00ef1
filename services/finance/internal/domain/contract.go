package domain

import (
	"fmt"
	"strconv"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Basis says what a threshold is a share of.
type Basis int

// Threshold bases.
const (
	BasisAllocationToDate Basis = 1
	BasisAnnualBudget     Basis = 2
)

// Threshold raises an alert when spend reaches RateBP basis points of its basis.
type Threshold struct {
	RateBP int32
	Basis  Basis
}

// Terms are what a contract agrees. Invariants (Validate): a GBP budget > 0, a withhold of 0-10000
// basis points, an explicit schedule (if any) of distinct periods 1-12 with amounts >= 0, and
// agreed unit prices of distinct intervention codes, each 1 to MaxPricePence.
type Terms struct {
	PathwayID   string
	Year        int
	BudgetPence int64
	Population  int64
	Currency    string
	Schedule    []PeriodAmount // explicit; empty means 12 equal monthly releases
	WithholdBP  int32
	Targets     []Target
	Thresholds  []Threshold
	// Prices are the agreed unit prices by intervention code: what ingest books. Contracts
	// recorded before prices existed have none (and book nothing until amended).
	Prices []InterventionPrice
}

// PeriodAmount is one release of an explicit schedule.
type PeriodAmount struct {
	Period int
	Pence  int64
}

// Contract is a contract as recorded: its terms, how many amendments it has had, the withhold in
// pence and the resolved 12-period schedule. Values are not shared: copy before changing.
type Contract struct {
	ID        string
	Terms     Terms
	Amendment int
	Withhold  int64
	Schedule  [Periods]int64
}

// Allocatable is the budget that allocations may release: the budget less the withhold.
func (c Contract) Allocatable() int64 { return c.Terms.BudgetPence - c.Withhold }

// AllocatedBy returns the sum of the first n periods' releases.
func (c Contract) AllocatedBy(n int) int64 {
	var sum int64
	for p := range min(n, Periods) {
		sum += c.Schedule[p]
	}
	return sum
}

// ContractID is the ID of the contract of a pathway for a contract year: "<pathway>-<year>"
// ("msk-2026", "msk-spinal-2026"). It is unambiguous although pathway ids may hold hyphens: the
// year (2000-2100, see Terms.Validate) is always the four digits after the last hyphen, so two
// different (pathway, year) pairs never share an ID.
func ContractID(pathwayID string, year int) string { return pathwayID + "-" + strconv.Itoa(year) }

// MaxBudgetPence bounds a budget so that every sum and forecast fits in int64 (£100bn).
const MaxBudgetPence int64 = 10_000_000_000_000

// Validate checks the terms on their own, listing every violation.
func (t Terms) Validate() error {
	var vs Violations
	vs.AddErr("terms.pathway_id", pathway.CheckID(t.PathwayID))
	if t.Year < 2000 || t.Year > 2100 {
		vs.Add("terms.contract_year", "must be the year the contract year starts (2000-2100), not %d", t.Year)
	}
	if t.BudgetPence <= 0 || t.BudgetPence > MaxBudgetPence {
		vs.Add("terms.annual_budget_pence", "must be more than 0 and at most %d pence, not %d", MaxBudgetPence, t.BudgetPence)
	}
	if t.Population < 0 {
		vs.Add("terms.population", "must not be negative, not %d", t.Population)
	}
	if t.Currency != "GBP" {
		vs.Add("terms.currency", "only GBP is supported, not %q", t.Currency)
	}
	if t.WithholdBP < 0 || t.WithholdBP > 10000 {
		vs.Add("terms.withhold_bp", "must be 0-10000 basis points, not %d", t.WithholdBP)
	}
	validateSchedule(&vs, t.Schedule)
	validateThresholds(&vs, t.Thresholds)
	validateTargets(&vs, t.Targets)
	validatePrices(&vs, t.Prices)
	return vs.Err()
}

func validateSchedule(vs *Violations, s []PeriodAmount) {
	seen := map[int]bool{}
	for i, p := range s {
		field := fmt.Sprintf("terms.schedule[%d]", i)
		switch {
		case p.Period < 1 || p.Period > Periods:
			vs.Add(field+".period", "must be 1 (April) to 12 (March), not %d", p.Period)
		case seen[p.Period]:
			vs.Add(field+".period", "period %d is listed twice", p.Period)
		}
		seen[p.Period] = true
		if p.Pence < 0 || p.Pence > MaxBudgetPence {
			vs.Add(field+".amount_pence", "must be 0 to %d pence, not %d", MaxBudgetPence, p.Pence)
		}
	}
}

func validateThresholds(vs *Violations, ts []Threshold) {
	for i, th := range ts {
		field := fmt.Sprintf("terms.thresholds[%d]", i)
		if th.RateBP <= 0 || th.RateBP > 100000 {
			vs.Add(field+".rate_bp", "must be 1-100000 basis points, not %d", th.RateBP)
		}
		if th.Basis != BasisAllocationToDate && th.Basis != BasisAnnualBudget {
			vs.Add(field+".basis", "must be ALLOCATION_TO_DATE or ANNUAL_BUDGET")
		}
	}
}

// Withhold returns floor(budget * withhold_bp / 10000).
func (t Terms) Withhold() int64 {
	return t.BudgetPence/10000*int64(t.WithholdBP) + t.BudgetPence%10000*int64(t.WithholdBP)/10000
}

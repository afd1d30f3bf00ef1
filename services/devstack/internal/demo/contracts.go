package demo

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Contracts are the synthetic capitated contracts of the contract year starting April before t:
// the journeys' costed activity and outcomes count against them.
func Contracts(t time.Time) []*financev1.ContractTerms {
	year := t.Year()
	if t.Month() < time.April {
		year--
	}
	threshold := func(bp int32, basis financev1.ThresholdBasis) *financev1.BudgetThreshold {
		return &financev1.BudgetThreshold{RateBp: bp, Basis: basis}
	}
	alerts := []*financev1.BudgetThreshold{
		threshold(7500, financev1.ThresholdBasis_THRESHOLD_BASIS_ALLOCATION_TO_DATE),
		threshold(9000, financev1.ThresholdBasis_THRESHOLD_BASIS_ALLOCATION_TO_DATE),
		threshold(10000, financev1.ThresholdBasis_THRESHOLD_BASIS_ANNUAL_BUDGET),
	}
	return []*financev1.ContractTerms{
		{PathwayId: "msk", ContractYear: int32(year), AnnualBudgetPence: 1_200_000_000, Population: 300_000, Currency: "GBP",
			WithholdBp: 125, Thresholds: alerts, UnitPrices: prices("msk"), OutcomeTargets: []*financev1.OutcomeTarget{{TargetId: "msk-hq-mic",
				MeasureCode: "msk-hq", Rule: financev1.OutcomeRule_OUTCOME_RULE_IMPROVEMENT, MinChange: 6, TargetShareBp: 6000, WeightBp: 10000}}},
		{PathwayId: "copd", ContractYear: int32(year), AnnualBudgetPence: 800_000_000, Population: 300_000, Currency: "GBP",
			Thresholds: alerts, UnitPrices: prices("copd")},
	}
}

// prices are the agreed unit prices of a built-in pathway's interventions, as its published
// version states them (finance books these, never a price an ingest request states).
func prices(pathwayID string) []*financev1.InterventionPrice {
	var out []*financev1.InterventionPrice
	for _, d := range pathway.Builtin() {
		if d.ID != pathwayID {
			continue
		}
		for _, iv := range d.Interventions {
			out = append(out, &financev1.InterventionPrice{InterventionCode: iv.ID, UnitPricePence: iv.UnitPricePence})
		}
	}
	return out
}

// createContracts records the contracts, keeping any already there.
func (l Loader) createContracts(ctx context.Context) error {
	ctx, err := l.as(ctx, "finance-admin", "")
	if err != nil {
		return err
	}
	for _, terms := range Contracts(l.now()) {
		_, err := l.Finance.CreateContract(ctx, &financev1.CreateContractRequest{Terms: terms})
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("demo contract %s %d: %w", terms.GetPathwayId(), terms.GetContractYear(), err)
		}
	}
	return nil
}

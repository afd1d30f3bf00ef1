package app

import (
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// TermsFromProto maps contract terms from the API; an empty currency means GBP.
func TermsFromProto(p *financev1.ContractTerms) domain.Terms {
	t := domain.Terms{
		PathwayID: p.GetPathwayId(), Year: int(p.GetContractYear()), BudgetPence: p.GetAnnualBudgetPence(),
		Population: p.GetPopulation(), Currency: p.GetCurrency(), WithholdBP: p.GetWithholdBp(),
	}
	if t.Currency == "" {
		t.Currency = "GBP"
	}
	for _, s := range p.GetSchedule() {
		t.Schedule = append(t.Schedule, domain.PeriodAmount{Period: int(s.GetPeriod()), Pence: s.GetAmountPence()})
	}
	for _, th := range p.GetThresholds() {
		t.Thresholds = append(t.Thresholds, domain.Threshold{RateBP: th.GetRateBp(), Basis: domain.Basis(th.GetBasis())})
	}
	for _, o := range p.GetOutcomeTargets() {
		t.Targets = append(t.Targets, domain.Target{
			ID: o.GetTargetId(), Measure: o.GetMeasureCode(), Rule: domain.Rule(o.GetRule()), CollectionPoint: o.GetCollectionPoint(),
			MinChange: o.GetMinChange(), Threshold: o.GetThreshold(), LowerIsBetter: o.GetLowerIsBetter(),
			TargetShareBP: o.GetTargetShareBp(), WeightBP: o.GetWeightBp(),
		})
	}
	return t
}

// TermsProto maps contract terms to the API.
func TermsProto(t domain.Terms) *financev1.ContractTerms {
	p := &financev1.ContractTerms{
		PathwayId: t.PathwayID, ContractYear: int32(t.Year), AnnualBudgetPence: t.BudgetPence, Population: t.Population,
		Currency: t.Currency, WithholdBp: t.WithholdBP,
	}
	for _, s := range t.Schedule {
		p.Schedule = append(p.Schedule, &financev1.AllocationPeriod{Period: int32(s.Period), AmountPence: s.Pence})
	}
	for _, th := range t.Thresholds {
		p.Thresholds = append(p.Thresholds, &financev1.BudgetThreshold{RateBp: th.RateBP, Basis: financev1.ThresholdBasis(th.Basis)})
	}
	for _, o := range t.Targets {
		p.OutcomeTargets = append(p.OutcomeTargets, &financev1.OutcomeTarget{
			TargetId: o.ID, MeasureCode: o.Measure, Rule: financev1.OutcomeRule(o.Rule), CollectionPoint: o.CollectionPoint,
			MinChange: o.MinChange, Threshold: o.Threshold, LowerIsBetter: o.LowerIsBetter,
			TargetShareBp: o.TargetShareBP, WeightBp: o.WeightBP,
		})
	}
	return p
}

// ContractProto maps a contract to the API.
func ContractProto(c domain.Contract) *financev1.Contract {
	p := &financev1.Contract{ContractId: c.ID, Terms: TermsProto(c.Terms), Amendment: int32(c.Amendment), WithholdPence: c.Withhold}
	for i, amount := range c.Schedule {
		p.ResolvedSchedule = append(p.ResolvedSchedule, &financev1.AllocationPeriod{Period: int32(i + 1), AmountPence: amount})
	}
	return p
}

func achievementProto(a domain.Achievement, settled bool) *financev1.OutcomeStatus {
	return &financev1.OutcomeStatus{
		TargetId: a.TargetID, JourneysMeasured: a.Measured, JourneysMet: a.Met, AchievedBp: a.AchievedBP,
		TargetShareBp: a.TargetBP, AvailablePence: a.Available, EarnedPence: a.Earned, Settled: settled,
	}
}

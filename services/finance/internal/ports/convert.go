package ports

import (
	"crypto/sha256"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// termsFromProto maps contract terms from the API; an empty currency means GBP.
func termsFromProto(p *financev1.ContractTerms) domain.Terms {
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
	for _, up := range p.GetUnitPrices() {
		t.Prices = append(t.Prices, domain.InterventionPrice{Code: up.GetInterventionCode(), Pence: up.GetUnitPricePence()})
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

// termsProto maps contract terms to the API.
func termsProto(t domain.Terms) *financev1.ContractTerms {
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
	for _, up := range t.Prices {
		p.UnitPrices = append(p.UnitPrices, &financev1.InterventionPrice{InterventionCode: up.Code, UnitPricePence: up.Pence})
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

// contractProto maps a contract to the API.
func contractProto(c domain.Contract) *financev1.Contract {
	p := &financev1.Contract{ContractId: c.ID, Terms: termsProto(c.Terms), Amendment: int32(c.Amendment), WithholdPence: c.Withhold}
	for i, amount := range c.Schedule {
		p.ResolvedSchedule = append(p.ResolvedSchedule, &financev1.AllocationPeriod{Period: int32(i + 1), AmountPence: amount})
	}
	return p
}

func outcomeProto(o app.OutcomeStatus) *financev1.OutcomeStatus {
	return &financev1.OutcomeStatus{
		TargetId: o.TargetID, JourneysMeasured: o.Measured, JourneysMet: o.Met, AchievedBp: o.AchievedBP,
		TargetShareBp: o.TargetBP, AvailablePence: o.Available, EarnedPence: o.Earned, Settled: o.Settled,
	}
}

func outcomesProto(os []app.OutcomeStatus) []*financev1.OutcomeStatus {
	out := make([]*financev1.OutcomeStatus, len(os))
	for i, o := range os {
		out[i] = outcomeProto(o)
	}
	return out
}

func spendLinesProto(ls []app.SpendLine) []*financev1.SpendLine {
	out := make([]*financev1.SpendLine, len(ls))
	for i, l := range ls {
		out[i] = &financev1.SpendLine{Key: l.Key, SpentPence: l.SpentPence, Activities: l.Activities, AllocatedPence: l.AllocatedPence}
	}
	return out
}

// positionProto maps a budget position to the API.
func positionProto(p app.Position) *financev1.GetBudgetPositionResponse {
	return &financev1.GetBudgetPositionResponse{
		ContractId: p.ContractID, AnnualBudgetPence: p.AnnualBudgetPence, WithholdPence: p.WithholdPence,
		AllocatedToDatePence: p.AllocatedToDatePence, SpentPence: p.SpentPence, Activities: p.Activities,
		RemainingPence: p.RemainingPence, ForecastOutturnPence: p.ForecastOutturnPence, VariancePence: p.VariancePence,
		DaysElapsed: int32(p.DaysElapsed), DaysInYear: int32(p.DaysInYear),
		ByProvider: spendLinesProto(p.ByProvider), ByIntervention: spendLinesProto(p.ByIntervention), ByMonth: spendLinesProto(p.ByMonth),
		Outcomes: outcomesProto(p.Outcomes),
	}
}

// statementProto maps a provider statement to the API.
func statementProto(s app.Statement) *financev1.GetProviderStatementResponse {
	out := &financev1.GetProviderStatementResponse{ContractId: s.ContractID, Provider: s.Provider, TotalPence: s.TotalPence}
	for _, l := range s.Lines {
		out.Lines = append(out.Lines, &financev1.StatementLine{Month: l.Month, InterventionCode: l.InterventionCode,
			Activities: l.Activities, AmountPence: l.AmountPence})
	}
	return out
}

// settlementProto maps a settled outcome incentive to the API.
func settlementProto(s app.Settlement) *financev1.SettleOutcomeIncentiveResponse {
	return &financev1.SettleOutcomeIncentiveResponse{EarnedPence: s.EarnedPence, Outcomes: outcomesProto(s.Outcomes)}
}

// hash returns the payload hash an ingest request is deduplicated by: SHA-256 of its kind and
// its deterministic protobuf encoding.
func hash(kind string, m proto.Message) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s request: %w", kind, err)
	}
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil), nil
}

// Events encodes the application's capitation events as the API's CapitationEvent (the outbox,
// the feed and the event store carry them so).
type Events struct{}

var _ app.EventEncoder = Events{}

// Encode returns the deterministic protobuf encoding of ev as a CapitationEvent.
func (Events) Encode(ev app.Event) ([]byte, error) {
	ce, err := capitationEventProto(ev)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(ce)
}

// capitationEventProto maps a capitation event to the API.
func capitationEventProto(ev app.Event) (*financev1.CapitationEvent, error) {
	switch e := ev.(type) {
	case app.ContractCreated:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractCreated{ContractCreated: &financev1.ContractCreated{
			Contract: contractProto(e.Contract), Actor: e.Actor}}}, nil
	case app.ContractAmended:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractAmended{ContractAmended: &financev1.ContractAmended{
			Contract: contractProto(e.Contract), Actor: e.Actor, Reason: e.Reason}}}, nil
	case app.AllocationReleased:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_AllocationReleased{AllocationReleased: &financev1.AllocationReleased{
			ContractId: e.ContractID, Period: int32(e.Period), Month: e.Month,
			AmountPence: e.AmountPence, AllocatedToDatePence: e.AllocatedToDatePence}}}, nil
	case app.ActivityCosted:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ActivityCosted{ActivityCosted: &financev1.ActivityCosted{
			ContractId: e.ContractID, SourceEventId: e.SourceEventID, JourneyId: e.JourneyID, InterventionId: e.InterventionID,
			InterventionCode: e.InterventionCode, Provider: e.Provider, UnitPricePence: e.UnitPricePence,
			OccurredAt: timestamppb.New(e.OccurredAt), Month: e.Month, PcnOdsCode: e.PCN,
			Segment: journeyv1.Segment(e.Segment), SpentToDatePence: e.SpentToDatePence}}}, nil
	case app.ProviderPayable:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ProviderPayable{ProviderPayable: &financev1.ProviderPayable{
			ContractId: e.ContractID, SourceEventId: e.SourceEventID, Provider: e.Provider, Month: e.Month,
			AmountPence: e.AmountPence, PayableToDatePence: e.PayableToDatePence}}}, nil
	case app.ThresholdCrossed:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ThresholdCrossed{ThresholdCrossed: &financev1.ThresholdCrossed{
			ContractId: e.ContractID, RateBp: e.Threshold.RateBP, Basis: financev1.ThresholdBasis(e.Threshold.Basis),
			SpentPence: e.SpentPence, BasisPence: e.BasisPence, Month: e.Month}}}, nil
	case app.OutcomeIncentiveEarned:
		return &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_OutcomeIncentiveEarned{OutcomeIncentiveEarned: &financev1.OutcomeIncentiveEarned{
			ContractId: e.ContractID, Outcome: outcomeProto(e.Outcome)}}}, nil
	}
	return nil, fmt.Errorf("capitation event %T has no API form", ev)
}

// followResponse maps an outbox event to the feed, decoding its CapitationEvent.
func followResponse(e app.OutboxEvent) (*financev1.FollowResponse, error) {
	var ce financev1.CapitationEvent
	if err := proto.Unmarshal(e.Payload, &ce); err != nil {
		return nil, fmt.Errorf("decode feed event %d: %w", e.Seq, err)
	}
	return &financev1.FollowResponse{Cursor: e.Seq, EventId: e.EventID, ContractId: e.ContractID, Revision: e.Revision, Event: &ce}, nil
}

package ports

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// TestEventsEncodeEveryKind checks that each capitation event the app emits reaches the outbox
// (and so the feed and the event store) as its CapitationEvent, field for field.
func TestEventsEncodeEveryKind(t *testing.T) {
	at := time.Date(2026, 10, 14, 9, 0, 0, 0, time.UTC)
	contract := domain.Contract{ID: "msk-2026", Terms: domain.Terms{PathwayID: "msk", Year: 2026, BudgetPence: 1200, Currency: "GBP"}, Amendment: 1}
	contract.Schedule[0] = 100
	tests := []struct {
		event app.Event
		want  *financev1.CapitationEvent
	}{
		{app.ContractCreated{Contract: contract, Actor: "fiona"}, &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractCreated{
			ContractCreated: &financev1.ContractCreated{Contract: contractProto(contract), Actor: "fiona"}}}},
		{app.ContractAmended{Contract: contract, Actor: "fiona", Reason: "winter"}, &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractAmended{
			ContractAmended: &financev1.ContractAmended{Contract: contractProto(contract), Actor: "fiona", Reason: "winter"}}}},
		{app.AllocationReleased{ContractID: "msk-2026", Period: 7, Month: "2026-10", AmountPence: 100, AllocatedToDatePence: 700},
			&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_AllocationReleased{AllocationReleased: &financev1.AllocationReleased{
				ContractId: "msk-2026", Period: 7, Month: "2026-10", AmountPence: 100, AllocatedToDatePence: 700}}}},
		{app.ActivityCosted{ContractID: "msk-2026", SourceEventID: "ev-1", JourneyID: "ref-1", InterventionID: "ref-1/iv-1",
			InterventionCode: "cats", Provider: "RTG", UnitPricePence: 4500, OccurredAt: at, Month: "2026-10", PCN: "U12345",
			Segment: int32(journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS), SpentToDatePence: 9000},
			&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ActivityCosted{ActivityCosted: &financev1.ActivityCosted{
				ContractId: "msk-2026", SourceEventId: "ev-1", JourneyId: "ref-1", InterventionId: "ref-1/iv-1", InterventionCode: "cats",
				Provider: "RTG", UnitPricePence: 4500, OccurredAt: timestamppb.New(at), Month: "2026-10", PcnOdsCode: "U12345",
				Segment: journeyv1.Segment_SEGMENT_LONG_TERM_CONDITIONS, SpentToDatePence: 9000}}}},
		{app.ProviderPayable{ContractID: "msk-2026", SourceEventID: "ev-1", Provider: "RTG", Month: "2026-10", AmountPence: 4500, PayableToDatePence: 9000},
			&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ProviderPayable{ProviderPayable: &financev1.ProviderPayable{
				ContractId: "msk-2026", SourceEventId: "ev-1", Provider: "RTG", Month: "2026-10", AmountPence: 4500, PayableToDatePence: 9000}}}},
		{app.ThresholdCrossed{ContractID: "msk-2026", Threshold: domain.Threshold{RateBP: 7500, Basis: domain.BasisAllocationToDate},
			SpentPence: 600, BasisPence: 700, Month: "2026-10"},
			&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ThresholdCrossed{ThresholdCrossed: &financev1.ThresholdCrossed{
				ContractId: "msk-2026", RateBp: 7500, Basis: financev1.ThresholdBasis_THRESHOLD_BASIS_ALLOCATION_TO_DATE,
				SpentPence: 600, BasisPence: 700, Month: "2026-10"}}}},
		{app.OutcomeIncentiveEarned{ContractID: "msk-2026", Outcome: app.OutcomeStatus{Achievement: domain.Achievement{
			TargetID: "msk-hq-mic", Measured: 3, Met: 2, AchievedBP: 6666, TargetBP: 6000, Available: 15, Earned: 15}, Settled: true}},
			&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_OutcomeIncentiveEarned{OutcomeIncentiveEarned: &financev1.OutcomeIncentiveEarned{
				ContractId: "msk-2026", Outcome: &financev1.OutcomeStatus{TargetId: "msk-hq-mic", JourneysMeasured: 3, JourneysMet: 2,
					AchievedBp: 6666, TargetShareBp: 6000, AvailablePence: 15, EarnedPence: 15, Settled: true}}}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.event), func(t *testing.T) {
			b, err := Events{}.Encode(tt.event)
			require.NoError(t, err)
			resp, err := followResponse(app.OutboxEvent{Seq: 5, ContractID: "msk-2026", Revision: 4, EventID: "id", Payload: b})
			require.NoError(t, err)
			want := &financev1.FollowResponse{Cursor: 5, ContractId: "msk-2026", Revision: 4, EventId: "id", Event: tt.want}
			require.True(t, proto.Equal(want, resp), "got  %v\nwant %v", resp, want)
		})
	}
}

package app

import (
	"time"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Event is a capitation event, one of the types below. The app emits them to the outbox through
// the EventEncoder; the feed and the event store carry them as the API defines them.
type Event interface{ capitationEvent() }

// ContractCreated says a contract was recorded.
type ContractCreated struct {
	Contract domain.Contract
	Actor    string
}

// ContractAmended says a contract's terms were replaced.
type ContractAmended struct {
	Contract domain.Contract
	Actor    string
	Reason   string
}

// AllocationReleased says a period of a contract's schedule started and its amount was released.
type AllocationReleased struct {
	ContractID           string
	Period               int
	Month                string
	AmountPence          int64
	AllocatedToDatePence int64
}

// ActivityCosted says a delivered intervention was charged to a contract.
type ActivityCosted struct {
	ContractID       string
	SourceEventID    string
	JourneyID        string
	InterventionID   string
	InterventionCode string
	Provider         string
	UnitPricePence   int64
	OccurredAt       time.Time
	Month            string
	PCN              string
	Segment          int32
	SpentToDatePence int64
}

// ProviderPayable says a provider is owed for a charged activity.
type ProviderPayable struct {
	ContractID         string
	SourceEventID      string
	Provider           string
	Month              string
	AmountPence        int64
	PayableToDatePence int64
}

// ThresholdCrossed says a contract's spend reached an alert threshold.
type ThresholdCrossed struct {
	ContractID string
	Threshold  domain.Threshold
	SpentPence int64
	BasisPence int64
	Month      string // the released month an allocation-to-date threshold was measured at
}

// OutcomeIncentiveEarned says an outcome target was settled.
type OutcomeIncentiveEarned struct {
	ContractID string
	Outcome    OutcomeStatus
}

func (ContractCreated) capitationEvent()        {}
func (ContractAmended) capitationEvent()        {}
func (AllocationReleased) capitationEvent()     {}
func (ActivityCosted) capitationEvent()         {}
func (ProviderPayable) capitationEvent()        {}
func (ThresholdCrossed) capitationEvent()       {}
func (OutcomeIncentiveEarned) capitationEvent() {}

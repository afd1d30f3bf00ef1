package app

import (
	"context"
	"time"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Ledger is the durable store of contracts, charges, outcome scores and the outbox of capitation
// events (adapters.Store: SQLite). Errors are infrastructure failures, except the ones an Update
// callback returns, which Update returns unchanged.
type Ledger interface {
	// Update runs fn in one write transaction and returns once its changes are durable. When fn
	// fails none of its changes are kept, and nothing it emitted is in the outbox. fn may run
	// more than once (a group commit reruns the writes it keeps when another one fails); only
	// the last run counts, so fn must not carry anything over from an earlier run.
	Update(ctx context.Context, fn func(LedgerTx) error) error
	// Changed returns a channel closed at the next commit.
	Changed() <-chan struct{}
	// Contract reads a committed contract and its totals; false when there is none.
	Contract(ctx context.Context, id string) (ContractRow, bool, error)
	// ContractIDs lists every contract, in ID order.
	ContractIDs(ctx context.Context) ([]string, error)
	// SpendBy groups a contract's spend by provider, intervention or month, in key order.
	SpendBy(ctx context.Context, contract string, by Grouping) ([]SpendLine, error)
	// Statement lists a provider's charges under a contract by month and intervention, in that
	// order; month "" means every month.
	Statement(ctx context.Context, contract, provider, month string) ([]StatementLine, error)
	// MonthCharges lists a contract's charges of one month, by time then event ID.
	MonthCharges(ctx context.Context, contract, month string) ([]Charge, error)
	// Scores returns, for each journey of pathway with a score of measure at point under
	// contract, that score and the journey's baseline score of the measure (if any), in journey
	// order.
	Scores(ctx context.Context, contract, pathway, measure, point string) ([]ScorePair, error)
	// Outbox returns up to limit outbox events after cursor after, in cursor order. Cursors
	// strictly increase in commit order.
	Outbox(ctx context.Context, after uint64, limit int) ([]OutboxEvent, error)
}

// LedgerTx is one write inside a ledger transaction, valid only inside the Update callback.
type LedgerTx interface {
	// AppliedHash returns the payload hash an ingest event ID was applied with, if it was.
	AppliedHash(eventID string) ([]byte, bool, error)
	// MarkApplied records that an ingest event ID was applied with payload hash h.
	MarkApplied(eventID string, h []byte) error
	// Contract reads a contract and its totals as this transaction sees them.
	Contract(id string) (ContractRow, bool, error)
	// PutContract inserts or replaces a contract and its totals.
	PutContract(row ContractRow) error
	// PutTotals writes a contract's totals (released, spent, activities, settled), not its terms.
	PutTotals(row ContractRow) error
	// InsertCharge records a costed activity.
	InsertCharge(c Charge) error
	// AddPayable adds amount to what provider is owed under contract and returns the new total.
	AddPayable(contract, provider string, amount int64) (int64, error)
	// MarkCrossed records a threshold crossing by its key and reports whether it is new.
	MarkCrossed(contract, key string) (bool, error)
	// PutScore records an outcome score, keeping the latest (by time) per journey, point and
	// measure.
	PutScore(s Score) error
	// Emit appends an encoded event to the contract's outbox at its stream's next revision and
	// returns that revision. eventID is deterministic for the fact, so the relay can retry.
	Emit(contract, eventID string, payload []byte) (uint64, error)
}

// EventEncoder encodes capitation events for the outbox, which the feed and the event store
// relay serve as they are (ports: protobuf CapitationEvent).
type EventEncoder interface {
	Encode(Event) ([]byte, error)
}

// ContractRow is a contract with its running totals.
type ContractRow struct {
	Contract   domain.Contract
	Released   int // periods released
	Spent      int64
	Activities int64
	Settled    bool
}

// Grouping is what SpendBy groups a contract's spend by.
type Grouping string

// The groupings of spend.
const (
	ByProvider     Grouping = "provider"
	ByIntervention Grouping = "intervention_code"
	ByMonth        Grouping = "month"
)

// SpendLine is spend grouped by a key; AllocatedPence is set only for months of a position.
type SpendLine struct {
	Key            string
	SpentPence     int64
	Activities     int64
	AllocatedPence int64
}

// StatementLine is what a provider is owed for one intervention in one month.
type StatementLine struct {
	Month, InterventionCode string
	Activities, AmountPence int64
}

// Charge is one costed activity as the ledger keeps it.
type Charge struct {
	EventID, ContractID, Month, Provider, InterventionCode, InterventionID, JourneyID string
	OccurredAt                                                                        time.Time
	PricePence                                                                        int64
	PCN                                                                               string
	Segment                                                                           int32
}

// Score is one outcome score of a journey.
type Score struct {
	PathwayID, JourneyID, Point, Measure string
	Value                                float64
	OccurredAt                           time.Time
	ContractID                           string
}

// ScorePair is a journey's follow-up score and its baseline, if recorded.
type ScorePair struct {
	JourneyID string
	FollowUp  float64
	Baseline  *float64
}

// OutboxEvent is one capitation event in the outbox: its cursor (Seq), where it belongs in the
// contract's stream, its deterministic ID and its encoded payload.
type OutboxEvent struct {
	Seq        uint64
	ContractID string
	Revision   uint64
	EventID    string
	Payload    []byte
}

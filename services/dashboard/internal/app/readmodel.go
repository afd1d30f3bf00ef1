package app

import (
	"context"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// Dims are the filter's dimensions (empty / unspecified: all).
type Dims struct {
	PathwayID string
	PCN       string
	Segment   domain.Segment
}

// DimsOf returns the dimensions of a filter.
func DimsOf(f domain.Filter) Dims {
	return Dims{PathwayID: f.PathwayID, PCN: f.PCN, Segment: f.Segment}
}

// Window is a half-open range of Unix seconds [From, To).
type Window struct{ From, To int64 }

// JourneyRow is a journey's milestones in Unix seconds (0: not yet).
type JourneyRow struct {
	ReferredAt, TriagedAt, DischargedAt, CancelledAt int64
	TriageBreached                                   bool
	// CostPence is the cost of the journey's completed interventions.
	CostPence int64
}

// ClockRow is one RTT clock (EndedAt 0: still running).
type ClockRow struct{ StartedAt, EndedAt int64 }

// InterventionRow is one intervention (times 0: not reached).
type InterventionRow struct {
	Code, Provider                  string
	ScheduledAt, CompletedAt, DNAAt int64
	PricePence                      int64
}

// PairRow is one journey's baseline and latest score of a measure.
type PairRow struct {
	PathwayID                  string
	Version                    int
	Measure                    string
	Baseline                   float64
	HasBaseline                bool
	BaselineScale, LatestScale string
	Latest                     float64
	LatestAt                   int64
}

// Buckets are a period's months in Unix seconds: month i is the half-open range
// [Starts[i], Starts[i+1]); the period ends at Starts[len(Starts)-1].
type Buckets struct{ Starts []int64 }

// Months is the number of months.
func (b Buckets) Months() int { return len(b.Starts) - 1 }

// From is the start of the period.
func (b Buckets) From() int64 { return b.Starts[0] }

// To is the end of the period.
func (b Buckets) To() int64 { return b.Starts[len(b.Starts)-1] }

// ReadmissionQuery asks for one readmission window.
type ReadmissionQuery struct {
	// Pathways are the pathways whose journeys count (those defining the window).
	Pathways []string
	Days     int
	// Today is the London day number the window is judged closed against (domain.DayNumber).
	Today int64
}

// ReadmissionCounts count the index admissions discharged in one month of the period (Month is
// its index): all of them, those whose window has closed, and of these the ones readmitted
// within it.
type ReadmissionCounts struct {
	Month                     int
	Index, Closed, Readmitted int64
}

// ReadModel is the stored read model. Each Each* call hands rows of journeys within dims to fn;
// an error from fn stops it.
type ReadModel interface {
	Apply(ctx context.Context, facts ...domain.Fact) (duplicate []bool, err error)
	// EachJourney hands journeys with any milestone before w.To.
	EachJourney(ctx context.Context, d Dims, w Window, fn func(JourneyRow) error) error
	// EachClock hands RTT clocks started before w.To and not ended before w.From.
	EachClock(ctx context.Context, d Dims, w Window, fn func(ClockRow) error) error
	// EachIntervention hands interventions scheduled, completed or missed within w.
	EachIntervention(ctx context.Context, d Dims, w Window, fn func(InterventionRow) error) error
	// EachPair hands measure pairs whose latest score fell within w.
	EachPair(ctx context.Context, d Dims, w Window, fn func(PairRow) error) error
	// Readmissions counts the index admissions discharged in each month of the period.
	Readmissions(ctx context.Context, d Dims, b Buckets, q ReadmissionQuery) ([]ReadmissionCounts, error)
	// Dimensions lists the pathways and PCNs held and the first and last referral (Unix seconds).
	Dimensions(ctx context.Context) (pathways, pcns []string, first, last int64, err error)
	// Purge deletes every row of the journeys that closed, and recorded nothing else, before
	// cutoff (Unix seconds), and returns how many journeys went.
	Purge(ctx context.Context, cutoff int64) (int, error)
}

// Budget is the finance service's capitated budget position of one pathway's contract year.
type Budget struct {
	ContractID                       string
	SpentPence, AllocatedToDatePence int64
	AnnualBudgetPence                int64
}

// BudgetSource answers budget used (the finance service). Position returns ErrNoBudget when the
// contract does not exist.
type BudgetSource interface {
	Position(ctx context.Context, pathwayID string, contractYear int) (Budget, error)
}

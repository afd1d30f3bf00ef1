package domain

import (
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Activity is one delivered intervention to charge against a budget. It carries no price to book:
// the contract's agreed price of InterventionCode is booked (Terms.UnitPrice).
type Activity struct {
	EventID          string
	JourneyID        string
	PathwayID        string
	InterventionID   string
	InterventionCode string
	Provider         string
	// StatedPricePence is the unit price the caller expects (0: none stated). Never booked: a
	// difference from the contract's price is only reported.
	StatedPricePence int64
	OccurredAt       time.Time
	PCN              string
	Segment          int32
}

// MaxPricePence bounds one unit price (£1m) so that no sum of a year's activity can overflow.
// It bounds agreed prices and stated ones alike.
const MaxPricePence int64 = 100_000_000

// Validate lists every rule the activity breaks.
func (a Activity) Validate() error {
	var vs Violations
	requireID(&vs, "event_id", a.EventID)
	requireID(&vs, "journey_id", a.JourneyID)
	vs.AddErr("pathway.pathway_id", pathway.CheckID(a.PathwayID))
	requireID(&vs, "intervention_code", a.InterventionCode)
	requireID(&vs, "provider", a.Provider)
	if a.StatedPricePence < 0 || a.StatedPricePence > MaxPricePence {
		vs.Add("unit_price_pence", "must be 0 (none stated) to %d pence, not %d", MaxPricePence, a.StatedPricePence)
	}
	if a.OccurredAt.IsZero() {
		vs.Add("occurred_at", "is required")
	}
	return vs.Err()
}

// Outcome is an outcome measure set of one journey at one collection point.
type Outcome struct {
	EventID         string
	JourneyID       string
	PathwayID       string
	CollectionPoint string
	Measures        map[string]float64
	OccurredAt      time.Time
}

// Validate lists every rule the outcome breaks.
func (o Outcome) Validate() error {
	var vs Violations
	requireID(&vs, "event_id", o.EventID)
	requireID(&vs, "journey_id", o.JourneyID)
	vs.AddErr("pathway.pathway_id", pathway.CheckID(o.PathwayID))
	requireID(&vs, "collection_point", o.CollectionPoint)
	if len(o.Measures) == 0 {
		vs.Add("measures", "at least one measure is required")
	}
	for _, code := range slices.Sorted(maps.Keys(o.Measures)) {
		if err := pathway.CheckFinite(o.Measures[code]); err != nil {
			vs.Add("measures", "measure %q: %v", code, err)
		}
	}
	if o.OccurredAt.IsZero() {
		vs.Add("occurred_at", "is required")
	}
	return vs.Err()
}

func requireID(vs *Violations, field, v string) {
	switch {
	case v == "":
		vs.Add(field, "is required")
	case len(v) > 200 || !utf8.ValidString(v):
		vs.Add(field, "must be at most 200 bytes of UTF-8")
	}
}

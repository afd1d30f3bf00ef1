package domain

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Rule is how a journey meets an outcome target.
type Rule int

// Outcome rules.
const (
	RuleImprovement Rule = 1 // follow-up improved on baseline by at least MinChange
	RuleThreshold   Rule = 2 // follow-up at least (or at most, lower being better) Threshold
)

// BaselinePoint is the collection point of baseline scores.
const BaselinePoint = "baseline"

// Target is an outcome target, defined in the contract's data.
type Target struct {
	ID              string
	Measure         string
	Rule            Rule
	CollectionPoint string
	MinChange       float64
	Threshold       float64
	LowerIsBetter   bool
	TargetShareBP   int32
	WeightBP        int32
}

var targetIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

func validateTargets(vs *Violations, ts []Target) {
	seen := map[string]bool{}
	var weights int64
	for i, t := range ts {
		f := fmt.Sprintf("terms.outcome_targets[%d]", i)
		if !targetIDPattern.MatchString(t.ID) || seen[t.ID] {
			vs.Add(f+".target_id", "must be a unique 1-40 character id of lower-case letters, digits and '-', not %q", t.ID)
		}
		seen[t.ID] = true
		if t.Measure == "" {
			vs.Add(f+".measure_code", "is required")
		}
		if t.Rule != RuleImprovement && t.Rule != RuleThreshold {
			vs.Add(f+".rule", "must be IMPROVEMENT or THRESHOLD")
		}
		if err := pathway.CheckFinite(t.MinChange); err != nil {
			vs.AddErr(f+".min_change", err)
		} else if t.MinChange < 0 {
			vs.Add(f+".min_change", "must not be negative, not %s", strconv.FormatFloat(t.MinChange, 'g', -1, 64))
		}
		vs.AddErr(f+".threshold", pathway.CheckFinite(t.Threshold))
		if t.TargetShareBP < 0 || t.TargetShareBP > 10000 {
			vs.Add(f+".target_share_bp", "must be 0-10000 basis points, not %d", t.TargetShareBP)
		}
		if t.WeightBP < 0 || t.WeightBP > 10000 {
			vs.Add(f+".weight_bp", "must be 0-10000 basis points, not %d", t.WeightBP)
		}
		weights += int64(t.WeightBP)
	}
	if weights > 10000 {
		vs.Add("terms.outcome_targets", "weights add up to %d basis points, more than 10000 (the whole withhold)", weights)
	}
}

// JourneyScores are one journey's scores of one measure: the baseline (if any) and the latest
// follow-up score at the target's collection point (if any).
type JourneyScores struct {
	Baseline *float64
	FollowUp *float64
}

// Meets reports whether the journey was measured for t and, if so, whether it met it.
func (t Target) Meets(s JourneyScores) (measured, met bool) {
	if s.FollowUp == nil {
		return false, false
	}
	f := *s.FollowUp
	if t.Rule == RuleThreshold {
		if t.LowerIsBetter {
			return true, f <= t.Threshold
		}
		return true, f >= t.Threshold
	}
	if s.Baseline == nil {
		return false, false
	}
	change := f - *s.Baseline
	if t.LowerIsBetter {
		change = -change
	}
	return true, change >= t.MinChange
}

// Point is the follow-up collection point of t ("discharge" when not set).
func (t Target) Point() string {
	if t.CollectionPoint == "" {
		return "discharge"
	}
	return t.CollectionPoint
}

// Achievement is how a target stands over a set of journeys.
type Achievement struct {
	TargetID   string
	Measured   int64
	Met        int64
	AchievedBP int32
	TargetBP   int32
	Available  int64
	Earned     int64
}

// Evaluate computes the achievement of t over journeys for a contract whose withhold is
// withhold pence. The achieved share is floor(met * 10000 / measured) basis points; the target's
// available amount is floor(withhold * weight / 10000), earned in full when the achieved share
// reaches the target share and at least one journey was measured, otherwise nothing.
func (t Target) Evaluate(withhold int64, journeys []JourneyScores) Achievement {
	a := Achievement{TargetID: t.ID, TargetBP: t.TargetShareBP, Available: bpOf(withhold, t.WeightBP)}
	for _, s := range journeys {
		measured, met := t.Meets(s)
		if measured {
			a.Measured++
		}
		if met {
			a.Met++
		}
	}
	if a.Measured > 0 {
		a.AchievedBP = int32(a.Met * 10000 / a.Measured)
		if a.AchievedBP >= t.TargetShareBP {
			a.Earned = a.Available
		}
	}
	return a
}

// bpOf returns floor(amount * bp / 10000) without overflow for amounts up to MaxBudgetPence.
func bpOf(amount int64, bp int32) int64 {
	return amount/10000*int64(bp) + amount%10000*int64(bp)/10000
}

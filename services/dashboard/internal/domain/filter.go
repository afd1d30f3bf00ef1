package domain

import (
	"regexp"
	"strings"
	"time"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Filter narrows the figures to a pathway, PCN, segment and period. Empty strings and
// SegmentUnspecified mean "all".
type Filter struct {
	PathwayID string
	PCN       string
	Segment   Segment
	Period    Period
}

// FilterInput is a filter as asked, before defaults and checks.
type FilterInput struct {
	PathwayID, PCN     string
	Segment            int32
	FromMonth, ToMonth string
}

var odsPattern = regexp.MustCompile(`^[A-Z0-9]{3,10}$`)

// NewFilter checks a filter and fills the default period: the 12 months ending with now's month.
// Every bad field is named.
func NewFilter(in FilterInput, now time.Time) (Filter, error) {
	var vs violations
	f := Filter{PathwayID: strings.TrimSpace(in.PathwayID), PCN: strings.TrimSpace(in.PCN), Segment: Segment(in.Segment)}
	if f.PathwayID != "" {
		checkPathwayID(&vs, "filter.pathway_id", f.PathwayID)
	}
	if f.PCN != "" && !odsPattern.MatchString(f.PCN) {
		vs.add("filter.pcn_ods_code", "must be an ODS code (3-10 upper-case letters or digits), not %q", f.PCN)
	}
	if f.Segment < SegmentUnspecified || f.Segment > SegmentComplex {
		vs.add("filter.segment", "must be unspecified (all), generally healthy, long-term conditions or complex, not %d", in.Segment)
	}
	f.Period = defaultPeriod(now)
	if in.ToMonth != "" {
		m, err := ParseMonth(in.ToMonth)
		if err != nil {
			vs.add("filter.to_month", "%v", err)
		}
		f.Period.To, f.Period.From = m, m.Add(-11)
	}
	if in.FromMonth != "" {
		m, err := ParseMonth(in.FromMonth)
		if err != nil {
			vs.add("filter.from_month", "%v", err)
		}
		f.Period.From = m
	}
	if len(vs) == 0 {
		checkPeriod(&vs, f.Period)
	}
	return f, vs.err()
}

func defaultPeriod(now time.Time) Period {
	to := MonthOf(now)
	return Period{From: to.Add(-11), To: to}
}

func checkPeriod(vs *violations, p Period) {
	if p.To.Before(p.From) {
		vs.add("filter.from_month", "must not be after to_month (%s > %s)", p.From, p.To)
		return
	}
	if n := len(p.Months()); n > MaxPeriodMonths {
		vs.add("filter.from_month", "the period must be at most %d months, not %d", MaxPeriodMonths, n)
	}
}

// checkPathwayID records a violation of field when id is not a pathway id (pathway.CheckID, the
// one rule every service shares, with its message).
func checkPathwayID(vs *violations, field, id string) {
	if err := pathway.CheckID(id); err != nil {
		vs.add(field, "%v", err)
	}
}

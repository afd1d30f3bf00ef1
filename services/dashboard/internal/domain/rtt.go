package domain

import "time"

// RTTStandardWeeks is the national referral-to-treatment standard: an incomplete pathway should
// have waited 18 weeks or less.
const RTTStandardWeeks = 18

// RTTStandardPercent is the operational standard: 92% of incomplete pathways within 18 weeks.
const RTTStandardPercent = 92.0

// RTTWithinStandard reports whether a clock started at started and still running at asAt had
// waited 18 weeks (126 calendar days) or less.
func RTTWithinStandard(started, asAt time.Time) bool {
	return !asAt.After(started.Add(RTTStandardWeeks * 7 * 24 * time.Hour))
}

// RTTLimitSeconds is the 18-week wait in seconds (for SQL aggregates over Unix times).
const RTTLimitSeconds = RTTStandardWeeks * 7 * 24 * 60 * 60

// Share is count out of total.
type Share struct{ Count, Total int64 }

// Percent is the share in percent, and false when total is zero.
func (s Share) Percent() (float64, bool) {
	if s.Total == 0 {
		return 0, false
	}
	return 100 * float64(s.Count) / float64(s.Total), true
}

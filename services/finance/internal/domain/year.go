package domain

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/London without relying on the host's zoneinfo
)

// Periods is the number of allocation periods (months) in a contract year.
const Periods = 12

// London is the time zone every care and contract date is taken in.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is linked above, so this cannot fail in a working build.
		return time.UTC
	}
	return loc
}

// ContractYearOf returns the contract year (April to March) of t's Europe/London date, named by
// the calendar year it starts in: 15 March 2027 is in contract year 2026.
func ContractYearOf(t time.Time) int {
	d := t.In(London)
	if d.Month() >= time.April {
		return d.Year()
	}
	return d.Year() - 1
}

// MonthOf returns the Europe/London month of t as "YYYY-MM".
func MonthOf(t time.Time) string { return t.In(London).Format("2006-01") }

// PeriodOf returns the allocation period (1 = April ... 12 = March) of t's London date.
func PeriodOf(t time.Time) int {
	return (int(t.In(London).Month())+8)%12 + 1
}

// PeriodStart returns the first moment (London midnight) of period p (1-12) of year.
func PeriodStart(year, p int) time.Time {
	return time.Date(year, time.Month(4+p-1), 1, 0, 0, 0, 0, London)
}

// PeriodMonth returns period p of year as "YYYY-MM".
func PeriodMonth(year, p int) string { return PeriodStart(year, p).Format("2006-01") }

// PeriodOfMonth parses "YYYY-MM" and returns its period within year, or an error naming the rule.
func PeriodOfMonth(year int, month string) (int, error) {
	t, err := time.ParseInLocation("2006-01", month, London)
	if err != nil {
		return 0, fmt.Errorf("must be YYYY-MM, not %q", month)
	}
	if ContractYearOf(t) != year {
		return 0, fmt.Errorf("%s is outside contract year %d (April %d to March %d)", month, year, year, year+1)
	}
	return PeriodOf(t), nil
}

// DaysInYear returns the number of London days in contract year.
func DaysInYear(year int) int {
	start := time.Date(year, time.April, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, time.April, 1, 0, 0, 0, 0, time.UTC)
	return int(end.Sub(start) / (24 * time.Hour))
}

// DaysElapsed returns how many London days of contract year have started by asOf, between 0 and
// DaysInYear(year): the day asOf falls on counts as elapsed.
func DaysElapsed(year int, asOf time.Time) int {
	d := asOf.In(London)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	start := time.Date(year, time.April, 1, 0, 0, 0, 0, time.UTC)
	n := int(day.Sub(start)/(24*time.Hour)) + 1
	return max(0, min(n, DaysInYear(year)))
}

// ReleasedPeriods returns how many periods of year have started by asOf (0-12).
func ReleasedPeriods(year int, asOf time.Time) int {
	n := 0
	for p := 1; p <= Periods; p++ {
		if !asOf.Before(PeriodStart(year, p)) {
			n = p
		}
	}
	return n
}

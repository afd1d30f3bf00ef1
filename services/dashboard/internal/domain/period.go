package domain

import (
	"fmt"
	"strconv"
	"time"
)

// London is the time zone months and days of care are counted in.
var London = mustLondon()

func mustLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // no tzdata: the binary imports time/tzdata, so this does not happen
	}
	return loc
}

func itoa(i int) string { return strconv.Itoa(i) }

// Month is a Europe/London calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the London month of t.
func MonthOf(t time.Time) Month {
	l := t.In(London)
	return Month{Year: l.Year(), Month: l.Month()}
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("must be a month written YYYY-MM, not %q", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start is the first instant of the month in London.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, London) }

// End is the first instant of the next month in London.
func (m Month) End() time.Time { return m.Next().Start() }

// Next is the following month.
func (m Month) Next() Month { return m.Add(1) }

// Add moves n months.
func (m Month) Add(n int) Month {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	return Month{Year: t.Year(), Month: t.Month()}
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// Period is an inclusive range of months.
type Period struct{ From, To Month }

// Months lists the months of the period in order.
func (p Period) Months() []Month {
	var out []Month
	for m := p.From; !p.To.Before(m); m = m.Next() {
		out = append(out, m)
	}
	return out
}

// Start is the first instant of the period; End the first instant after it.
func (p Period) Start() time.Time { return p.From.Start() }

// End is the first instant after the period.
func (p Period) End() time.Time { return p.To.End() }

// AsAt is the instant snapshot figures are taken at for month m: its end, or now if earlier.
func AsAt(m Month, now time.Time) time.Time {
	if end := m.End(); end.Before(now) {
		return end
	}
	return now
}

// MaxPeriodMonths bounds a period (a trend line of at most five years).
const MaxPeriodMonths = 60

// DaysBetween counts London calendar days from a to b.
func DaysBetween(a, b time.Time) int {
	return int(DayNumber(b) - DayNumber(a))
}

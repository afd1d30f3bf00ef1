// Package records holds what the services share about the records they keep: the records-retention
// period, its flag syntax ("8y", "90d", "36h", "1y30d12h") and its documented default, 8 years (the
// NHS Records Management Code of Practice 2021 for adult health records). The coordinator's
// sweeper deletes journey streams, and the dashboard purges read-model rows, past one Retention.
package records

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultRetention is 8 years: the NHS Records Management Code of Practice 2021 keeps adult health
// records for 8 years after the conclusion of treatment.
var DefaultRetention = Retention{Years: 8}

// maxYears bounds a period (far beyond any retention schedule; keeps the dates computable).
const maxYears = 200

// Retention is a records-retention period: calendar years and days, then a Go duration, written
// "8y", "90d", "36h", "1y30d" or "1y30d12h" (flag -records-retention). It satisfies flag.Value.
// The zero value is no period, which Validate refuses. Values are safe to copy.
type Retention struct {
	Years, Days int
	// Time is what follows the years and days (hours, minutes...); never negative.
	Time time.Duration
}

// periodForm splits "<years>y<days>d<duration>", each part optional.
var periodForm = regexp.MustCompile(`^(?:(\d+)y)?(?:(\d+)d)?(.*)$`)

// errForm is why Set refuses a value; the flag package names the flag before it.
var errForm = errors.New(`must be years, days and/or a duration, such as "8y", "90d", "36h" or "1y30d"`)

// ParseRetention reads "8y", "90d", "36h", "1y30d" or "1y30d12h".
func ParseRetention(s string) (Retention, error) {
	var p Retention
	err := p.Set(s)
	return p, err
}

// Set reads "8y", "90d", "36h", "1y30d" or "1y30d12h".
func (p *Retention) Set(s string) error {
	m := periodForm.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[0] == "" {
		return errForm
	}
	var out Retention
	var err error
	if m[1] != "" {
		if out.Years, err = strconv.Atoi(m[1]); err != nil {
			return errForm
		}
	}
	if m[2] != "" {
		if out.Days, err = strconv.Atoi(m[2]); err != nil {
			return errForm
		}
	}
	if m[3] != "" {
		if out.Time, err = time.ParseDuration(m[3]); err != nil || out.Time < 0 {
			return errForm
		}
	}
	*p = out
	return nil
}

// String writes the period as Set reads it ("0d" for none).
func (p *Retention) String() string {
	if p == nil || p.IsZero() {
		return "0d"
	}
	var b strings.Builder
	if p.Years != 0 {
		b.WriteString(strconv.Itoa(p.Years) + "y")
	}
	if p.Days != 0 {
		b.WriteString(strconv.Itoa(p.Days) + "d")
	}
	if p.Time != 0 {
		b.WriteString(shortDuration(p.Time))
	}
	return b.String()
}

// shortDuration writes d without zero minutes and seconds: "36h", not "36h0m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// IsZero reports whether the period is empty.
func (p Retention) IsZero() bool { return p.Years == 0 && p.Days == 0 && p.Time == 0 }

// Cutoff is the instant a journey must have ended before to be past retention: now minus the
// period (years and days by the calendar).
func (p Retention) Cutoff(now time.Time) time.Time {
	return now.AddDate(-p.Years, 0, -p.Days).Add(-p.Time)
}

// Validate checks the period is positive and at most 200 years; errors name the flag.
func (p Retention) Validate(flag string) error {
	switch {
	case p.Years < 0 || p.Days < 0 || p.Time < 0 || p.IsZero():
		return fmt.Errorf("%s: must be a positive period, such as \"8y\", not %q", flag, p.String())
	case p.Years > maxYears || p.Days > maxYears*366:
		return fmt.Errorf("%s: must be at most %d years, not %q", flag, maxYears, p.String())
	}
	return nil
}

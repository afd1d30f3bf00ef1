package server

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// DefaultRecordsRetention is 8 years: the NHS Records Management Code of Practice 2021 keeps
// adult health records for 8 years after the conclusion of treatment.
var DefaultRecordsRetention = Retention{Years: 8}

// DefaultPurgeInterval is how often the read model is purged of journeys past retention.
const DefaultPurgeInterval = 24 * time.Hour

// Retention is a records-retention period in calendar years and days, written "8y", "90d" or
// "1y30d" (flag -records-retention). It satisfies flag.Value.
type Retention struct{ Years, Days int }

var retentionForm = regexp.MustCompile(`^(?:(\d+)y)?(?:(\d+)d)?$`)

// String writes the period as Set reads it.
func (r *Retention) String() string {
	switch {
	case r == nil || (r.Years == 0 && r.Days == 0):
		return "0d"
	case r.Days == 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Years == 0:
		return strconv.Itoa(r.Days) + "d"
	}
	return fmt.Sprintf("%dy%dd", r.Years, r.Days)
}

// Set reads "8y", "90d" or "1y30d".
func (r *Retention) Set(s string) error {
	m := retentionForm.FindStringSubmatch(s)
	if m == nil || s == "" {
		return errors.New(`must be years and/or days, such as "8y", "90d" or "1y30d"`)
	}
	y, _ := strconv.Atoi(m[1]) // empty (0) or digits, matched above
	d, _ := strconv.Atoi(m[2])
	*r = Retention{Years: y, Days: d}
	return nil
}

// Cutoff is the instant a journey must have closed before (now minus the period, by the
// calendar).
func (r Retention) Cutoff(now time.Time) time.Time { return now.AddDate(-r.Years, 0, -r.Days) }

func (r Retention) validate() error {
	if r.Years < 0 || r.Days < 0 || (r.Years == 0 && r.Days == 0) {
		return fmt.Errorf("records-retention: must be at least one day, not %q", r.String())
	}
	if r.Years > 200 {
		return fmt.Errorf("records-retention: must be at most 200 years, not %q", r.String())
	}
	return nil
}

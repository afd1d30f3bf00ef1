package domain

import "strconv"

// Forecast returns the outturn of the contract year if spending continues at the run rate so far:
// spent * daysInYear / daysElapsed, rounded half up to the penny. With no day elapsed the
// forecast is what was spent.
func Forecast(spent int64, daysElapsed, daysInYear int) int64 {
	if daysElapsed <= 0 {
		return spent
	}
	d := int64(daysElapsed)
	return (spent*int64(daysInYear) + d/2) / d
}

// Crossing is a threshold crossed: its key (unique per contract, so each crossing is raised
// once), the threshold, and the basis amount it was measured against.
type Crossing struct {
	Key       string
	Threshold Threshold
	Basis     int64
	Month     string
}

// Crossings returns the thresholds of c that spent has reached, given the allocation released to
// date after released periods. Allocation-to-date thresholds are keyed by the latest released
// month (a new release can make them cross again); annual-budget ones are raised once a year.
// A threshold on a zero basis never crosses.
func (c Contract) Crossings(spent int64, released int) []Crossing {
	var out []Crossing
	for _, th := range c.Terms.Thresholds {
		cr := Crossing{Threshold: th}
		switch th.Basis {
		case BasisAllocationToDate:
			if released == 0 {
				continue
			}
			cr.Basis, cr.Month = c.AllocatedBy(released), PeriodMonth(c.Terms.Year, released)
		default:
			cr.Basis = c.Terms.BudgetPence
		}
		cr.Key = thresholdKey(th, cr.Month)
		if cr.Basis > 0 && spent*10000 >= cr.Basis*int64(th.RateBP) {
			out = append(out, cr)
		}
	}
	return out
}

func thresholdKey(th Threshold, month string) string {
	b := "annual"
	if th.Basis == BasisAllocationToDate {
		b = "to-date@" + month
	}
	return b + "/" + strconv.Itoa(int(th.RateBP))
}

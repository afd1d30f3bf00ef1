// Package disclosure is the dashboard's statistical disclosure control: the rule that keeps small
// numbers of people from being shown to those without patient-level access. It does no I/O.
//
// # The rule
//
// A Rule has a suppressed range [SuppressMin, SuppressMax] (default 1 to 7) and a rounding base
// RoundTo (default 5). A count in the range is shown as suppressed ("*" on the page and in CSV, a
// suppressed flag and 0 in the API). Any other count is rounded to the nearest multiple of
// RoundTo (halves up: 8 -> 10, 12 -> 10, 13 -> 15); 0 stays 0. RoundTo 1 means no rounding, and
// SuppressMax 0 means no suppression.
//
// # Tables, totals and secondary suppression
//
// A Table holds the counts of one answer as cells, and says which cells add up to which shown
// totals (Sum: a period's total and its months; a share's total, its count and the count's
// complement) and which cells must be withheld whenever another is (Follow: a percentage or
// mean with its base, a cost with the count it is a multiple of). Disclose then:
//
//  1. suppresses every count cell in the suppressed range (primary suppression);
//  2. for every Follow whose leader is suppressed, suppresses the follower;
//  3. for every Sum whose total is shown and which has exactly one suppressed part, suppresses
//     one more part, the next-smallest: the unsuppressed part with the smallest non-zero value
//     (the first such, in the order the parts were given), else the smallest zero part, else,
//     when no part is left, the total itself; otherwise total minus the shown parts would give
//     the hidden cell back;
//  4. repeats 2 and 3 over every Sum and Follow until a whole pass changes nothing. Each pass
//     only ever adds suppressions, so this ends.
//
// A Sum is a row or a column of a table: a two-dimensional table with row totals, column
// totals and a grand total is one Sum per row, one per column, and one for the totals row. The
// sums are treated as exact even when the counts are rounded (so the rule holds with RoundTo 1).
// Finally every shown count is rounded; values that are not counts (money) are never rounded.
//
// A share is count of total. Its count and the complement (total - count, never shown) are
// the parts of a Sum whose total is the share's total, so a small complement (38 of 40) hides the
// count too: a count of 38 and a total of 40 would otherwise give the 2 back. The percentage of a
// share is computed from the true count and total and is shown only when neither they nor the
// complement are suppressed.
package disclosure

import (
	"errors"
	"fmt"
)

// Rule is a disclosure rule. The zero Rule suppresses nothing and rounds to 1 (exact figures).
type Rule struct {
	// SuppressMin and SuppressMax bound the suppressed range of counts (inclusive);
	// SuppressMax 0 turns suppression off.
	SuppressMin, SuppressMax int64
	// RoundTo is the rounding base of shown counts (1 or 0: no rounding).
	RoundTo int64
}

// Default is the default rule: counts 1 to 7 suppressed, others rounded to the nearest 5.
func Default() Rule { return Rule{SuppressMin: 1, SuppressMax: 7, RoundTo: 5} }

// Exact is the rule for people with patient-level access: nothing suppressed or rounded.
func Exact() Rule { return Rule{RoundTo: 1} }

// Validate reports every problem; the flag names are the dashboard's (-disclosure-*).
func (r Rule) Validate() error {
	var errs []error
	if r.SuppressMax < 0 {
		errs = append(errs, fmt.Errorf("disclosure-suppress-max: must be 0 (no suppression) or more, not %d", r.SuppressMax))
	}
	if r.SuppressMax > 0 && (r.SuppressMin < 1 || r.SuppressMin > r.SuppressMax) {
		errs = append(errs, fmt.Errorf("disclosure-suppress-min: must be from 1 to disclosure-suppress-max (%d), not %d", r.SuppressMax, r.SuppressMin))
	}
	if r.RoundTo < 1 {
		errs = append(errs, fmt.Errorf("disclosure-round-to: must be 1 (no rounding) or more, not %d", r.RoundTo))
	}
	return errors.Join(errs...)
}

// Applies reports whether the rule changes anything (it suppresses or rounds).
func (r Rule) Applies() bool { return r.SuppressMax > 0 || r.RoundTo > 1 }

// Primary reports whether a count falls in the suppressed range.
func (r Rule) Primary(n int64) bool {
	return r.SuppressMax > 0 && n >= r.SuppressMin && n <= r.SuppressMax
}

// Round rounds a count to the nearest multiple of RoundTo, halves up; 0 stays 0.
func (r Rule) Round(n int64) int64 {
	if r.RoundTo <= 1 || n == 0 {
		return n
	}
	return (n + r.RoundTo/2) / r.RoundTo * r.RoundTo
}

// Note says the rule in words, for the page's footnote and the API.
func (r Rule) Note() string {
	if !r.Applies() {
		return "Counts are exact."
	}
	var s string
	if r.SuppressMax > 0 {
		rng := fmt.Sprintf("from %d to %d", r.SuppressMin, r.SuppressMax)
		if r.SuppressMin == r.SuppressMax {
			rng = fmt.Sprintf("of %d", r.SuppressMin)
		}
		s = fmt.Sprintf("To protect patients' privacy, counts %s are not shown (*), and where a hidden count could be "+
			"worked out from a total, another count of the same row or column is hidden too. ", rng)
	}
	if r.RoundTo > 1 {
		s += fmt.Sprintf("Other counts are rounded to the nearest %d (0 stays 0), so they may not add up to the totals shown. ", r.RoundTo)
	}
	return s + "Percentages and averages are worked out from the true counts before rounding; " +
		"one whose base or count is not shown is not shown either."
}

package adapters

import (
	"strconv"
	"strings"

	"github.com/nhs-pathways/pathways/services/dashboard/internal/app"
)

// firstTrue returns a SQL expression for the smallest i in [lo, hi) for which `x op bounds[i]`
// holds, or hi when none does. The condition must not turn false again as i grows, so the CASE
// is a binary search: a row costs log2(hi-lo) comparisons. Bounds are integers written into the
// SQL text (never strings).
func firstTrue(x, op string, bounds []int64, lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(hi)
	}
	mid := (lo + hi) / 2
	var b strings.Builder
	b.WriteString("CASE WHEN ")
	b.WriteString(x)
	b.WriteString(" " + op + " ")
	b.WriteString(strconv.FormatInt(bounds[mid], 10))
	b.WriteString(" THEN ")
	b.WriteString(firstTrue(x, op, bounds, lo, mid))
	b.WriteString(" ELSE ")
	b.WriteString(firstTrue(x, op, bounds, mid+1, hi))
	b.WriteString(" END")
	return b.String()
}

// monthOf is the index of the month holding x, or -1 when x is NULL or outside the period.
func monthOf(x string, b app.Buckets) string {
	n := b.Months()
	return "CASE WHEN " + x + " >= " + strconv.FormatInt(b.From(), 10) + " AND " + x + " < " + strconv.FormatInt(b.To(), 10) +
		" THEN " + firstTrue(x, "<", b.Starts[1:], 0, n-1) + " ELSE -1 END"
}

package pathway

import (
	"strconv"
	"strings"
)

// FormatPence renders an amount in pence as pounds, e.g. 4850 as "£48.50" and
// 125000 as "£1,250.00".
func FormatPence(p int64) string {
	sign := ""
	u := uint64(p)
	if p < 0 {
		sign = "-"
		u = uint64(-(p + 1)) + 1 // safe for math.MinInt64
	}
	pounds := strconv.FormatUint(u/100, 10)
	pence := u % 100
	var b strings.Builder
	for i, r := range pounds {
		if i > 0 && (len(pounds)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + "£" + b.String() + "." + strconv.FormatUint(pence/10, 10) + strconv.FormatUint(pence%10, 10)
}

package pathway

import (
	"strconv"
	"strings"
)

// FormatPence renders an amount in pence as pounds, e.g. 4850 as "£48.50" and
// 125000 as "£1,250.00".
func FormatPence(p int64) string {
	sign := ""
	whole, pence := p/100, p%100
	if p < 0 { // |p/100| < MaxInt64, so negating cannot overflow
		sign = "-"
		whole, pence = -whole, -pence
	}
	pounds := strconv.FormatInt(whole, 10)
	var b strings.Builder
	for i, r := range pounds {
		if i > 0 && (len(pounds)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + "£" + b.String() + "." + strconv.FormatInt(pence/10, 10) + strconv.FormatInt(pence%10, 10)
}

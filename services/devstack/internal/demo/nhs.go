package demo

import (
	"fmt"
)

// testRangeStart is the first nine digits of the synthetic numbers: 999 is the NHS number range
// reserved for testing, never issued to a patient.
const testRangeStart = 999000001

// NHSNumbers returns the first n valid NHS numbers of the 999 test range, in order: each is nine
// digits and the modulus 11 check digit; bases whose check digit would be 10 are skipped.
func NHSNumbers(n int) []string {
	out := make([]string, 0, n)
	for base := testRangeStart; len(out) < n; base++ {
		if check, ok := checkDigit(base); ok {
			out = append(out, fmt.Sprintf("%09d%d", base, check))
		}
	}
	return out
}

// checkDigit is the modulus 11 check digit of nine digits: weights 10 down to 2, 11 minus the
// remainder, 11 becomes 0, 10 is not allowed.
func checkDigit(base int) (int, bool) {
	sum := 0
	for weight := 2; weight <= 10; weight++ {
		sum += (base % 10) * weight
		base /= 10
	}
	switch c := 11 - sum%11; c {
	case 11:
		return 0, true
	case 10:
		return 0, false
	default:
		return c, true
	}
}

// Package nhsnumber is the one NHS number check of the system, and the generator of valid
// numbers of the 999 test range for tests and demo data.
//
// An NHS number is ten digits; the tenth is the modulus 11 check digit of the first nine,
// weighted 10 down to 2: 11 minus the remainder of the weighted sum, where 11 means 0 and 10
// means no valid number has those nine digits.
//
// The package is pure (standard library only, no clock, no I/O), so every layer may import it:
// workflow code (workflows/journey), each service's domain, the devstack demo and the e2e tests.
// Errors never contain the number: it is personal data.
package nhsnumber

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of Check. None of them contains the number.
var (
	ErrLength     = errors.New("must be exactly 10 digits")
	ErrDigits     = errors.New("must contain digits only")
	ErrCheckDigit = errors.New("check digit does not match (modulus 11)")
	ErrRemainder  = errors.New("is not a valid NHS number (modulus 11 check digit would be 10)")
)

// Check reports whether n is a well-formed NHS number: nil, or one of the errors above.
func Check(n string) error {
	if len(n) != 10 {
		return ErrLength
	}
	for i := range len(n) {
		if n[i] < '0' || n[i] > '9' {
			return ErrDigits
		}
	}
	check, ok := checkDigit(n[:9])
	switch {
	case !ok:
		return ErrRemainder
	case int(n[9]-'0') != check:
		return ErrCheckDigit
	}
	return nil
}

// checkDigit is the modulus 11 check digit of nine decimal digits; ok is false when it would
// be 10 (no valid number starts with these digits).
func checkDigit(nine string) (digit int, ok bool) {
	sum := 0
	for i := range 9 {
		sum += int(nine[i]-'0') * (10 - i)
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

// TestRangeFirst is the first nine digits of the first synthetic number: the 999 range is
// reserved for testing and never issued to a patient.
const TestRangeFirst = 999_000_000

// TestRangeLast is the last nine digits of the 999 test range.
const TestRangeLast = 999_999_999

// FromBase completes nine digits (TestRangeFirst to TestRangeLast for test data) into an NHS
// number with its check digit; ok is false when no valid number starts with them.
func FromBase(base int) (number string, ok bool) {
	if base < 0 || base > 999_999_999 {
		return "", false
	}
	nine := fmt.Sprintf("%09d", base)
	check, ok := checkDigit(nine)
	if !ok {
		return "", false
	}
	return nine + string(rune('0'+check)), true
}

// TestNumbers returns the first n valid NHS numbers of the 999 test range, in order
// ("9990000018", "9990000026", ...): bases whose check digit would be 10 (999000000 is the
// first) are skipped. It returns fewer only when the range runs out.
func TestNumbers(n int) []string {
	out := make([]string, 0, n)
	for base := TestRangeFirst; len(out) < n && base <= TestRangeLast; base++ {
		if number, ok := FromBase(base); ok {
			out = append(out, number)
		}
	}
	return out
}

// Contains reports whether s holds something shaped like an NHS number: ten digits in a row,
// or grouped 3-3-4 by single spaces or dashes, not part of a longer run of digits, that pass the
// modulus 11 check. An identifier that will be shown or logged (a referral id names its
// journey's workflow) must not, so it is refused when Contains says so.
func Contains(s string) bool {
	for start := 0; start < len(s); start++ {
		if !isDigit(s[start]) || (start > 0 && isDigit(s[start-1])) {
			continue
		}
		if digits, end, ok := tenDigits(s, start); ok && (end == len(s) || !isDigit(s[end])) && Check(digits) == nil {
			return true
		}
	}
	return false
}

// tenDigits reads ten digits from s at start, plain or grouped 3-3-4 with one separator (' ' or
// '-') used consistently; end is the index after the last digit.
func tenDigits(s string, start int) (digits string, end int, ok bool) {
	var b []byte
	var sep byte
	i := start
	for len(b) < 10 && i < len(s) {
		c := s[i]
		switch {
		case isDigit(c):
			b = append(b, c)
			i++
			continue
		case (c == ' ' || c == '-') && (len(b) == 3 || len(b) == 6) && (sep == 0 || sep == c) && i > start && isDigit(s[i-1]):
			if sep == 0 && len(b) == 6 {
				return "", 0, false // 3-3-4 groups both or neither
			}
			sep = c
			i++
			continue
		}
		break
	}
	if len(b) != 10 || (sep != 0 && strings.Count(s[start:i], string(sep)) != 2) {
		return "", 0, false
	}
	return string(b), i, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

package domain

import "errors"

// Errors of ValidateNHSNumber. None of them contains the number.
var (
	ErrNHSNumberLength     = errors.New("must be exactly 10 digits")
	ErrNHSNumberDigits     = errors.New("must contain digits only")
	ErrNHSNumberCheckDigit = errors.New("check digit does not match (modulus 11)")
	ErrNHSNumberRemainder  = errors.New("is not a valid NHS number (modulus 11 check digit would be 10)")
)

// ValidateNHSNumber checks a 10-digit NHS number: the tenth digit is the modulus 11 check digit
// of the first nine, weighted 10 down to 2; 11 - (sum mod 11) gives the check digit, 11 means 0
// and 10 means the number is invalid.
func ValidateNHSNumber(n string) error {
	if len(n) != 10 {
		return ErrNHSNumberLength
	}
	for i := range len(n) {
		if n[i] < '0' || n[i] > '9' {
			return ErrNHSNumberDigits
		}
	}
	sum := 0
	for i := range 9 {
		sum += int(n[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return ErrNHSNumberRemainder
	}
	if int(n[9]-'0') != check {
		return ErrNHSNumberCheckDigit
	}
	return nil
}

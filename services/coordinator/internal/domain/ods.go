package domain

import (
	"errors"
	"regexp"
)

var (
	practicePattern = regexp.MustCompile(`^[A-Z][0-9]{5}$`)
	pcnPattern      = regexp.MustCompile(`^U[0-9]{5}$`)
)

// Errors of the ODS code checks.
var (
	ErrPracticeCode = errors.New("must be a GP practice ODS code: an upper-case letter and 5 digits (e.g. A81001)")
	ErrPCNCode      = errors.New("must be a PCN ODS code: 'U' and 5 digits (e.g. U12345)")
)

// ValidatePracticeCode checks a GP practice ODS code (letter + 5 digits).
func ValidatePracticeCode(code string) error {
	if !practicePattern.MatchString(code) {
		return ErrPracticeCode
	}
	return nil
}

// ValidatePCNCode checks a Primary Care Network ODS code ('U' + 5 digits).
func ValidatePCNCode(code string) error {
	if !pcnPattern.MatchString(code) {
		return ErrPCNCode
	}
	return nil
}

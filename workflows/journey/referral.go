package journey

import (
	"fmt"
	"regexp"
	"strings"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

var (
	referralIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)
	odsPattern        = regexp.MustCompile(`^[A-Z0-9]{3,6}$`)
)

// validateReferral checks the start input; a bad referral fails the start with ErrInvalidRequest
// naming the field. The NHS number is never echoed in the error.
func validateReferral(r Referral) error {
	switch {
	case !referralIDPattern.MatchString(r.ReferralID):
		return invalidRequest("referralId", "must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
	case strings.TrimSpace(r.PathwayID) == "":
		return invalidRequest("pathwayId", "is required")
	case ValidNHSNumber(r.NHSNumber) != nil:
		return invalidRequest("nhsNumber", ValidNHSNumber(r.NHSNumber).Error())
	case !odsPattern.MatchString(r.PCN):
		return invalidRequest("pcn", "must be an ODS code: 3-6 upper-case letters or digits")
	case r.Segment == journeyv1.Segment_SEGMENT_UNSPECIFIED:
		return invalidRequest("segment", "is required")
	case r.ReferredAt.IsZero():
		return invalidRequest("referredAt", "is required")
	}
	return nil
}

// ValidNHSNumber checks a 10-digit NHS number and its modulus 11 check digit (weights 10 to 2; a
// remainder giving 10 is invalid). The error never contains the number.
func ValidNHSNumber(n string) error {
	if len(n) != 10 {
		return fmt.Errorf("must be 10 digits, got %d characters", len(n))
	}
	sum := 0
	for i := 0; i < 9; i++ {
		d := n[i]
		if d < '0' || d > '9' {
			return fmt.Errorf("must be 10 digits")
		}
		sum += int(d-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || n[9] < '0' || n[9] > '9' || int(n[9]-'0') != check {
		return fmt.Errorf("check digit does not match (modulus 11)")
	}
	return nil
}

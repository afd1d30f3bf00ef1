package journey

import (
	"regexp"
	"strings"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
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
	case nhsnumber.Check(r.NHSNumber) != nil:
		return invalidRequest("nhsNumber", nhsnumber.Check(r.NHSNumber).Error())
	case !odsPattern.MatchString(r.PCN):
		return invalidRequest("pcn", "must be an ODS code: 3-6 upper-case letters or digits")
	case r.Segment == journeyv1.Segment_SEGMENT_UNSPECIFIED:
		return invalidRequest("segment", "is required")
	case r.ReferredAt.IsZero():
		return invalidRequest("referredAt", "is required")
	}
	return nil
}

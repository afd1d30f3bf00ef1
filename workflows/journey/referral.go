package journey

import (
	"fmt"
	"regexp"
	"strings"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
)

var (
	referralIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)
	odsPattern        = regexp.MustCompile(`^[A-Z0-9]{3,6}$`)
	// patientRefPattern is the shape of a pseudonymous patient reference (services/platform/patientkeys).
	patientRefPattern = regexp.MustCompile(`^pt-[a-z2-7]{26}$`)
)

// changePatientRef is the workflow.GetVersion change ID of pseudonymous referrals: journeys
// started before it carry the NHS number in clear; from version 1 a referral must carry a patient
// reference and sealed fields, and refuses a clear NHS number or a referral id shaped like one.
const changePatientRef = "patient-ref"

// validateReferral checks the start input; a bad referral fails the start with ErrInvalidRequest
// naming the field. The NHS number is never echoed in the error. pseudonymous is false only when
// replaying journeys started before patient references.
func validateReferral(r Referral, pseudonymous bool) error {
	if pseudonymous {
		if err := validatePatient(r); err != nil {
			return err
		}
	} else if err := nhsnumber.Check(r.NHSNumber); err != nil {
		return invalidRequest("nhsNumber", err.Error())
	}
	switch {
	case !referralIDPattern.MatchString(r.ReferralID):
		return invalidRequest("referralId", "must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
	case strings.TrimSpace(r.PathwayID) == "":
		return invalidRequest("pathwayId", "is required")
	case !odsPattern.MatchString(r.PCN):
		return invalidRequest("pcn", "must be an ODS code: 3-6 upper-case letters or digits")
	case r.Segment == journeyv1.Segment_SEGMENT_UNSPECIFIED:
		return invalidRequest("segment", "is required")
	case r.ReferredAt.IsZero():
		return invalidRequest("referredAt", "is required")
	}
	return nil
}

// validatePatient checks how a referral names its patient: by reference, with sealed fields only.
func validatePatient(r Referral) error {
	switch {
	case r.NHSNumber != "":
		return invalidRequest("nhsNumber", "must be empty: a journey carries the patient's reference (patientRef) and the sealed number (nhsNumberSealed), never the number")
	case nhsnumber.Contains(r.ReferralID):
		return invalidRequest("referralId", "must not contain an NHS number (it names the journey in logs and in Temporal)")
	case !patientRefPattern.MatchString(r.PatientRef):
		return invalidRequest("patientRef", "must be a patient reference: 'pt-' and 26 lower-case base32 characters")
	case len(r.NHSNumberSealed) == 0:
		return invalidRequest("nhsNumberSealed", "is required")
	}
	if err := checkSealed("nhsNumberSealed", r.NHSNumberSealed); err != nil {
		return err
	}
	return checkSealed("reasonSealed", r.ReasonSealed)
}

// checkSealed bounds a sealed field.
func checkSealed(field string, b []byte) error {
	if len(b) > MaxSealedBytes {
		return invalidRequest(field, fmt.Sprintf("must be at most %d bytes, got %d", MaxSealedBytes, len(b)))
	}
	return nil
}

package domain

import (
	"regexp"
	"time"
)

// admissionReasonPattern is the shape of an admission reason code (e.g. "copd-exacerbation").
var admissionReasonPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// validateAdmission checks a RecordAdmission command: a reason code, both times, admitted before
// discharged and a hospital discharge that has happened. Whether the admission follows the
// referral and the previous admission is the journey's to check.
func (c Command) validateAdmission(v *Violations, now time.Time) {
	switch {
	case c.Reason == "":
		v.Addf("reason", "is required: a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)")
	case !admissionReasonPattern.MatchString(c.Reason):
		v.Addf("reason", "must be a code of 1-64 lower-case letters, digits and dashes (e.g. copd-exacerbation)")
	}
	if c.AdmittedAt.IsZero() {
		v.Addf("admitted_at", "is required: when the patient was admitted")
	}
	switch {
	case c.DischargedAt.IsZero():
		v.Addf("discharged_at", "is required: when the patient left hospital (record the admission once they have)")
	case c.DischargedAt.After(now):
		v.Addf("discharged_at", "must not be in the future: record the admission once the patient has left hospital")
	case !c.AdmittedAt.IsZero() && c.AdmittedAt.After(c.DischargedAt):
		v.Addf("discharged_at", "must not be before admitted_at")
	}
}

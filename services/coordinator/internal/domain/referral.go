package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/nhsnumber"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

// MaxReasonLength bounds the free-text reason for referral (characters).
const MaxReasonLength = 2000

// Referral is a referral into the single point of access. NHSNumber is personal data: it goes
// to the journey's ReferralReceived event and nowhere else (never logs or span attributes).
type Referral struct {
	ReferralID   string
	PathwayID    string
	NHSNumber    string
	PracticeCode string
	PCNCode      string
	Segment      journeyv1.Segment
	Source       journeyv1.ReferralSource
	Reason       string
	ReferredAt   time.Time
}

// Validate reports every field that breaks a rule, by its API field name. now bounds referred_at
// (a referral cannot come from the future, allowing 5 minutes of clock skew).
func (r Referral) Validate(now time.Time) error {
	var v Violations
	switch {
	case !idPattern.MatchString(r.ReferralID):
		v.Addf("referral_id", "must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
	case nhsnumber.Contains(r.ReferralID):
		v.Addf("referral_id", "must not contain an NHS number: it names the journey, which is shown and logged")
	}
	v.Add("pathway_id", pathway.CheckID(r.PathwayID))
	v.Add("nhs_number", nhsnumber.Check(r.NHSNumber))
	v.Add("practice_ods_code", ValidatePracticeCode(r.PracticeCode))
	v.Add("pcn_ods_code", ValidatePCNCode(r.PCNCode))
	if _, ok := journeyv1.Segment_name[int32(r.Segment)]; !ok || r.Segment == journeyv1.Segment_SEGMENT_UNSPECIFIED {
		v.Addf("segment", "is required: GENERALLY_HEALTHY, LONG_TERM_CONDITIONS or COMPLEX")
	}
	if _, ok := journeyv1.ReferralSource_name[int32(r.Source)]; !ok || r.Source == journeyv1.ReferralSource_REFERRAL_SOURCE_UNSPECIFIED {
		v.Addf("source", "is required: GP, FIRST_CONTACT_PRACTITIONER or SELF")
	}
	switch n := utf8.RuneCountInString(r.Reason); {
	case strings.TrimSpace(r.Reason) == "":
		v.Addf("reason", "is required")
	case n > MaxReasonLength:
		v.Addf("reason", "must be at most %d characters, got %d", MaxReasonLength, n)
	}
	switch {
	case r.ReferredAt.IsZero():
		v.Addf("referred_at", "is required")
	case r.ReferredAt.After(now.Add(5 * time.Minute)):
		v.Addf("referred_at", "must not be in the future")
	}
	return v.Err()
}

// SealedReferral is how a referral names its patient once the coordinator has sealed it: the
// pseudonymous patient reference and the NHS number and reason for referral sealed with the
// patient's data key.
type SealedReferral struct {
	PatientRef string
	NHSNumber  []byte
	Reason     []byte
}

// Fingerprint is a keyed hash (HMAC-SHA256) of every field of the referral. Two submissions
// under one referral id are the same referral when their fingerprints match. It is keyed so the
// stored value cannot be brute-forced back to an NHS number.
func (r Referral) Fingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{r.ReferralID, r.PathwayID, r.NHSNumber, r.PracticeCode, r.PCNCode,
		r.Segment.String(), r.Source.String(), r.Reason, r.ReferredAt.UTC().Format(time.RFC3339Nano)} {
		m.Write([]byte(strconv.Itoa(len(f))))
		m.Write([]byte{':'})
		m.Write([]byte(f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

package pathway

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ReasonKind names what a coded reason is given for.
type ReasonKind string

// The kinds of coded reason.
const (
	ReasonDischarge ReasonKind = "discharge"
	ReasonCancel    ReasonKind = "cancel"
	ReasonMigrate   ReasonKind = "migrate"
)

// Reason is one coded reason a coordinator may give: a stable code and the words shown for it.
// Reasons are codes, not free text, so they never identify a patient; a coordinator's free-text
// note goes beside the code, sealed with the patient's data key.
type Reason struct {
	Code  string `yaml:"code"`
	Label string `yaml:"label"`
}

// Reasons are a version's coded reasons for discharge, cancellation and version migration. An
// empty list takes the default list of its kind (DefaultReasons), so versions written before
// reason codes keep working.
type Reasons struct {
	Discharge []Reason `yaml:"discharge,omitempty"`
	Cancel    []Reason `yaml:"cancel,omitempty"`
	Migrate   []Reason `yaml:"migrate,omitempty"`
}

// DefaultReasons returns the reasons of a kind a version takes when it lists none.
func DefaultReasons(kind ReasonKind) []Reason {
	switch kind {
	case ReasonDischarge:
		return []Reason{
			{"treatment-complete", "Treatment complete"},
			{"goals-met", "Goals met"},
			{"patient-choice", "Patient chose to end care"},
			{"did-not-attend", "Did not attend"},
			{"referred-on", "Referred to another service"},
			{"self-managing", "Self-managing"},
			{"died", "Died"},
			{"other", "Other (see note)"},
		}
	case ReasonCancel:
		return []Reason{
			{"duplicate", "Duplicate referral"},
			{"referred-in-error", "Referred in error"},
			{"patient-declined", "Patient declined the service"},
			{"moved-away", "Moved out of area"},
			{"died", "Died"},
			{"other", "Other (see note)"},
		}
	case ReasonMigrate:
		return []Reason{
			{"superseded-version", "Pathway version superseded"},
			{"clinical-safety", "Clinical safety"},
			{"correction", "Correction of the pinned version"},
			{"other", "Other (see note)"},
		}
	}
	return nil
}

// ReasonsFor returns the version's reasons of a kind: its own list, or the default one.
func (d *Definition) ReasonsFor(kind ReasonKind) []Reason {
	var own []Reason
	switch kind {
	case ReasonDischarge:
		own = d.Reasons.Discharge
	case ReasonCancel:
		own = d.Reasons.Cancel
	case ReasonMigrate:
		own = d.Reasons.Migrate
	}
	if len(own) > 0 {
		return own
	}
	return DefaultReasons(kind)
}

// CheckReason reports whether code is one of the version's reasons of a kind, naming the codes
// it takes when not.
func (d *Definition) CheckReason(kind ReasonKind, code string) error {
	rs := d.ReasonsFor(kind)
	if slices.ContainsFunc(rs, func(r Reason) bool { return r.Code == code }) {
		return nil
	}
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
	}
	if code == "" {
		return fmt.Errorf("is required: a %s reason code of %s v%d (%s)", kind, d.ID, d.Version, strings.Join(codes, ", "))
	}
	// The value is not echoed: a wrong reason may be free text a caller meant as a note.
	return fmt.Errorf("must be a %s reason code of %s v%d (%s)", kind, d.ID, d.Version, strings.Join(codes, ", "))
}

var reasonCodePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// CheckReasonCode checks a code's shape: 1-40 lower-case letters, digits and dashes.
func CheckReasonCode(code string) error {
	if !reasonCodePattern.MatchString(code) {
		return fmt.Errorf("must be a reason code: 1-40 lower-case letters, digits and '-', starting with a letter or digit")
	}
	return nil
}

func (v *validator) reasons() {
	for _, kind := range []ReasonKind{ReasonDischarge, ReasonCancel, ReasonMigrate} {
		var list []Reason
		switch kind {
		case ReasonDischarge:
			list = v.d.Reasons.Discharge
		case ReasonCancel:
			list = v.d.Reasons.Cancel
		case ReasonMigrate:
			list = v.d.Reasons.Migrate
		}
		seen := map[string]bool{}
		for i, r := range list {
			path := fmt.Sprintf("reasons.%s[%d]", kind, i)
			if err := CheckReasonCode(r.Code); err != nil {
				v.add(path+".code", "%v", err)
			} else if seen[r.Code] {
				v.add(path+".code", "duplicate code %q", r.Code)
			}
			seen[r.Code] = true
			v.required(path+".label", r.Label)
		}
	}
}

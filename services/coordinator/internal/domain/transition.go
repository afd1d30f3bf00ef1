package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Transition names a journey transition (one per coordinator command).
type Transition string

// Transitions.
const (
	Triage               Transition = "Triage"
	ScheduleIntervention Transition = "ScheduleIntervention"
	StartIntervention    Transition = "StartIntervention"
	CompleteIntervention Transition = "CompleteIntervention"
	RecordDidNotAttend   Transition = "RecordDidNotAttend"
	RecordOutcome        Transition = "RecordOutcome"
	Discharge            Transition = "Discharge"
	Cancel               Transition = "Cancel"
	MigrateVersion       Transition = "MigrateVersion"
	RecordAdmission      Transition = "RecordAdmission"
)

// Measure is an outcome measure score on the scale it was taken on.
type Measure struct {
	Code  string
	Value float64
	Scale string
}

// Command is one transition request. Only the fields its Transition uses are read.
type Command struct {
	Transition      Transition
	JourneyID       string
	RequestID       string
	Actor           string
	Disposition     string
	Measures        []Measure
	Intervention    string
	ScheduledFor    time.Time
	InterventionID  string
	CollectionPoint string
	Reason          string
	Stage           string
	TargetVersion   int
	DryRun          bool
	AdmittedAt      time.Time
	DischargedAt    time.Time
	// Note is the optional free-text note of a discharge, cancellation or migration: identifying
	// data, sealed with the patient's data key before it leaves the coordinator.
	Note string
}

// MaxNoteLength bounds a note (characters).
const MaxNoteLength = 500

// Validate checks the fields the transition needs, by API field name. It checks shape only (and
// times against now); the journey checks the rest against its pinned pathway version and history.
func (c Command) Validate(now time.Time) error {
	var v Violations
	if !idPattern.MatchString(c.JourneyID) {
		v.Addf("journey_id", "is required: the journey id from SubmitReferral")
	}
	if !idPattern.MatchString(c.RequestID) {
		v.Addf("request_id", "is required: 1-100 letters, digits, '.', '_', ':' or '-' (a fresh id per request, reused only to retry)")
	}
	c.validateFields(&v, now)
	return v.Err()
}

func (c Command) validateFields(v *Violations, now time.Time) {
	required := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			v.Addf(field, "is required")
		}
	}
	switch c.Transition {
	case Triage:
		required("disposition", c.Disposition)
		validateMeasures(v, "baseline", c.Measures, false)
	case ScheduleIntervention:
		required("intervention", c.Intervention)
		if c.ScheduledFor.IsZero() {
			v.Addf("scheduled_for", "is required")
		}
	case StartIntervention, CompleteIntervention, RecordDidNotAttend:
		required("intervention_id", c.InterventionID)
	case RecordOutcome:
		required("collection_point", c.CollectionPoint)
		validateMeasures(v, "measures", c.Measures, true)
	case Discharge, Cancel:
		c.validateCoded(v)
	case MigrateVersion:
		if c.TargetVersion < 1 {
			v.Addf("target_version", "must be a version number (1 or more)")
		}
		c.validateCoded(v)
	case RecordAdmission:
		c.validateAdmission(v, now)
	}
}

func validateMeasures(v *Violations, field string, ms []Measure, atLeastOne bool) {
	if atLeastOne && len(ms) == 0 {
		v.Addf(field, "at least one measure is required")
	}
	for i, m := range ms {
		if strings.TrimSpace(m.Code) == "" {
			v.Addf(field+"["+itoa(i)+"].code", "is required")
		}
		v.Add(field+"["+itoa(i)+"].value", pathway.CheckFinite(m.Value))
	}
}

// validateCoded checks a coded reason's shape (the journey checks it is one of its pinned
// version's codes) and the note's length. A wrong reason is never echoed: it may be free text.
func (c Command) validateCoded(v *Violations) {
	if strings.TrimSpace(c.Reason) == "" {
		v.Addf("reason", "is required: a reason code of the journey's pathway version")
	} else {
		v.Add("reason", pathway.CheckReasonCode(c.Reason))
	}
	if n := utf8.RuneCountInString(c.Note); n > MaxNoteLength {
		v.Addf("note", "must be at most %d characters, got %d", MaxNoteLength, n)
	}
}

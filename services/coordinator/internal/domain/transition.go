package domain

import (
	"strings"
	"time"

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
}

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
		required("reason", c.Reason)
	case MigrateVersion:
		if c.TargetVersion < 1 {
			v.Addf("target_version", "must be a version number (1 or more)")
		}
		required("reason", c.Reason)
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

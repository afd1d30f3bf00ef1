package pathway

// Definition is one version of one pathway, as approved by its Expert Oversight
// Group. Lists keep the order the authors wrote them in; ids are unique within
// each list. A Definition returned by [Parse] has passed [Definition.Validate].
type Definition struct {
	// ID names the pathway, a lower-case slug such as "msk" or "copd".
	ID string `yaml:"id"`
	// Version counts from 1; each approved change is a new version.
	Version int `yaml:"version"`
	// Title is the pathway's name as clinicians know it.
	Title string `yaml:"title"`
	// EOG is the Clinical Expert Oversight Group that owns the pathway.
	EOG string `yaml:"eog"`
	// Description is free text for reviewers.
	Description string `yaml:"description,omitempty"`
	// WaysIn lists the referral sources accepted at the entry stage.
	WaysIn []WayIn `yaml:"ways_in"`
	// Stages and their allowed transitions; exactly one has kind referral (the
	// entry) and at least one has kind discharge (terminal).
	Stages []Stage `yaml:"stages"`
	// Dispositions are the outcomes a triage stage may record.
	Dispositions []Disposition `yaml:"dispositions,omitempty"`
	// Measures are the outcome measures and clinical readings the pathway records.
	Measures []Measure `yaml:"measures,omitempty"`
	// PatientOutcomes are outcomes in the words patients use, each backed by a measure.
	PatientOutcomes []PatientOutcome `yaml:"patient_outcomes,omitempty"`
	// Providers deliver interventions; each is identified by an ODS-style code.
	Providers []Provider `yaml:"providers,omitempty"`
	// Interventions is the catalogue of what may be delivered, at what unit price.
	Interventions []Intervention `yaml:"interventions,omitempty"`
	// SLA holds the triage target, other service clocks and the RTT clock.
	SLA SLA `yaml:"sla"`
	// Discharge holds what must be true before discharge and what follows it.
	Discharge DischargeRules `yaml:"discharge"`
	// Reasons are the coded reasons for discharge, cancellation and migration (defaults when
	// absent).
	Reasons Reasons `yaml:"reasons,omitempty"`
}

// WayIn is a referral source, e.g. GP referral, First Contact Practitioner or
// self-referral.
type WayIn struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// StageKind classifies a stage.
type StageKind string

// Stage kinds.
const (
	KindReferral     StageKind = "referral"
	KindTriage       StageKind = "triage"
	KindAssessment   StageKind = "assessment"
	KindIntervention StageKind = "intervention"
	KindMonitoring   StageKind = "monitoring"
	KindOutcome      StageKind = "outcome"
	KindDischarge    StageKind = "discharge"
)

var stageKinds = []StageKind{KindReferral, KindTriage, KindAssessment, KindIntervention,
	KindMonitoring, KindOutcome, KindDischarge}

// Stage is one step of a journey.
type Stage struct {
	ID   string    `yaml:"id"`
	Name string    `yaml:"name"`
	Kind StageKind `yaml:"kind"`
	// Next lists the stages a journey may move to from here. Discharge stages
	// have none; every other stage must lead, eventually, to a discharge stage.
	Next []string `yaml:"next,omitempty"`
	// Interventions lists the interventions that may be delivered in this stage.
	Interventions []string `yaml:"interventions,omitempty"`
	// EntryWhen, if set, must hold on the patient's recorded measures before a
	// journey may enter this stage (e.g. spirometry confirming COPD).
	EntryWhen *Rule `yaml:"entry_when,omitempty"`
	// ReviewEveryMonths, if set, schedules a review while in this stage (long
	// journeys such as COPD monitoring).
	ReviewEveryMonths int `yaml:"review_every_months,omitempty"`
}

// RTTEffect says what recording a disposition does to the RTT clock.
type RTTEffect string

// RTT effects of a disposition. The empty value means none.
const (
	RTTNone  RTTEffect = "none"
	RTTStart RTTEffect = "start"
	RTTStop  RTTEffect = "stop"
)

// Disposition is a triage outcome: it names the stage the journey moves to and
// what it does to the RTT clock (e.g. referral on to an interface service or
// secondary care starts it).
type Disposition struct {
	ID    string    `yaml:"id"`
	Name  string    `yaml:"name"`
	Stage string    `yaml:"stage"`
	RTT   RTTEffect `yaml:"rtt,omitempty"`
}

// Provider is an organisation that delivers interventions: the lead provider or
// a subcontractor.
type Provider struct {
	// Code is the ODS-style organisation code (3 to 6 upper-case letters or digits).
	Code string `yaml:"code"`
	Name string `yaml:"name"`
	// Role says what part of the pathway the provider holds, for reviewers.
	Role string `yaml:"role,omitempty"`
}

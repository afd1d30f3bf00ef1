package pathway

// MeasureKind classifies a measure by how it is obtained.
type MeasureKind string

// Measure kinds.
const (
	// MeasurePROM is a patient-reported outcome measure (a questionnaire).
	MeasurePROM MeasureKind = "prom"
	// MeasureClinical is a clinician-recorded reading or grade (e.g. spirometry).
	MeasureClinical MeasureKind = "clinical"
	// MeasureDerived is computed from journey events (e.g. days at home).
	MeasureDerived MeasureKind = "derived"
)

var measureKinds = []MeasureKind{MeasurePROM, MeasureClinical, MeasureDerived}

// Direction says which way a score improves.
type Direction string

// Directions.
const (
	HigherIsBetter Direction = "higher-is-better"
	LowerIsBetter  Direction = "lower-is-better"
)

// Measure is an outcome measure or clinical reading with its score range.
// Invariants (checked by Validate): Min < Max, both finite; MIC, if set, is
// greater than zero and no larger than Max-Min.
type Measure struct {
	ID   string      `yaml:"id"`
	Name string      `yaml:"name"`
	Kind MeasureKind `yaml:"kind"`
	// Items is the number of questionnaire items (0 for a single reading).
	Items int `yaml:"items,omitempty"`
	// Scale names the scale where more than one exists for the same thing
	// (e.g. "MRC 1-5" versus "mMRC 0-4"). Scores and rules must name the same
	// scale as the measure.
	Scale     string    `yaml:"scale,omitempty"`
	Min       float64   `yaml:"min"`
	Max       float64   `yaml:"max"`
	Direction Direction `yaml:"direction"`
	// MIC is the minimal important change in score points, if known.
	MIC *float64 `yaml:"mic,omitempty"`
	// Collect says when the measure is taken.
	Collect Schedule `yaml:"collect,omitempty"`
}

// Schedule says when a measure is collected.
type Schedule struct {
	// Baseline names the stage at which the baseline is taken (e.g. triage).
	Baseline string `yaml:"baseline,omitempty"`
	// AtDischarge collects it at discharge.
	AtDischarge bool `yaml:"at_discharge,omitempty"`
	// FollowUpMonths collects it at these offsets after discharge; each must
	// be one of the discharge follow-up contacts.
	FollowUpMonths []int `yaml:"follow_up_months,omitempty"`
}

// PatientOutcome is an outcome in the words patients use (e.g. "Spending more
// time at home"), backed by a measure so it can be reported.
type PatientOutcome struct {
	ID        string `yaml:"id"`
	Statement string `yaml:"statement"`
	Measure   string `yaml:"measure"`
}

// Intervention is an item of the catalogue: something a provider delivers,
// costed at a unit price against the pathway's capitated budget.
type Intervention struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Provider is the ODS-style code of the delivering provider.
	Provider string `yaml:"provider"`
	// UnitPricePence is the agreed price of one unit, in pence; always > 0.
	UnitPricePence int64 `yaml:"unit_price_pence"`
	// Unit says what one unit is (e.g. "session", "course", "contact").
	Unit string `yaml:"unit"`
	// DefinitiveTreatment marks an intervention whose first delivery is the
	// first definitive treatment for RTT purposes.
	DefinitiveTreatment bool `yaml:"definitive_treatment,omitempty"`
	// HighValue marks interventions the pathway promotes and reports on.
	HighValue bool `yaml:"high_value,omitempty"`
	// EligibleWhen, if set, must hold on the recorded measures before the
	// intervention is offered.
	EligibleWhen *Rule `yaml:"eligible_when,omitempty"`
}

// DischargeRules say what must be true before discharge and what follows it.
type DischargeRules struct {
	// RequiredMeasures must each have a score recorded before discharge.
	RequiredMeasures []string `yaml:"required_measures,omitempty"`
	// FollowUpMonths are the follow-up contacts after discharge, ascending.
	FollowUpMonths []int `yaml:"follow_up_months,omitempty"`
	// ReadmissionWindowsDays are the windows after discharge in which an
	// emergency readmission is counted as an outcome (e.g. 30 and 90), ascending.
	ReadmissionWindowsDays []int `yaml:"readmission_windows_days,omitempty"`
}

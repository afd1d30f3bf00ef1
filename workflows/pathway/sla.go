package pathway

// DayCount says how days are counted.
type DayCount string

// Day counts. Calendar days are the default unless a pathway version says
// working days.
const (
	CalendarDays DayCount = "calendar"
	WorkingDays  DayCount = "working"
)

// Period is a target duration in days.
type Period struct {
	// Within is the number of days, always > 0.
	Within int `yaml:"within"`
	// Days says how they are counted; empty means calendar days.
	Days DayCount `yaml:"days,omitempty"`
}

// SLA holds the pathway's service clocks.
type SLA struct {
	// Triage is the target from referral received to triage decision.
	// Required when the pathway has a triage stage.
	Triage *Period `yaml:"triage,omitempty"`
	// Clocks are further service targets (e.g. pulmonary rehabilitation to
	// start within 28 days of discharge after an exacerbation admission).
	Clocks []Clock `yaml:"clocks,omitempty"`
	// RTT is the referral-to-treatment clock, if the pathway has one.
	RTT *RTTClock `yaml:"rtt,omitempty"`
}

// Clock is a service target: from the start trigger, one of the stop triggers
// must happen within the period.
type Clock struct {
	ID       string    `yaml:"id"`
	Name     string    `yaml:"name"`
	StartsOn Trigger   `yaml:"starts_on"`
	StopsOn  []Trigger `yaml:"stops_on"`
	Within   Period    `yaml:"within"`
}

// Trigger names one thing that happens in a journey. Exactly one field is set.
type Trigger struct {
	// Event is a clinical event from the fixed vocabulary (see Events).
	Event Event `yaml:"event,omitempty"`
	// Stage is entered.
	Stage string `yaml:"stage,omitempty"`
	// Disposition is recorded at triage.
	Disposition string `yaml:"disposition,omitempty"`
	// Intervention is first delivered.
	Intervention string `yaml:"intervention,omitempty"`
}

// RTTClock is the referral-to-treatment clock. Dispositions with rtt: start
// (or the StartsOn events) start it; StopsOn events stop it; NullifiedBy
// events nullify it. There is no patient-initiated pause.
type RTTClock struct {
	// Weeks is the standard, 18 in England.
	Weeks       int     `yaml:"weeks"`
	StartsOn    []Event `yaml:"starts_on,omitempty"`
	StopsOn     []Event `yaml:"stops_on"`
	NullifiedBy []Event `yaml:"nullified_by,omitempty"`
}

// Event is a clinical event the journey workflow records.
type Event string

// The event vocabulary.
const (
	EventReferralReceived         Event = "referral-received"
	EventTriageCompleted          Event = "triage-completed"
	EventFirstDefinitiveTreatment Event = "first-definitive-treatment"
	EventDecisionNotToTreat       Event = "decision-not-to-treat"
	EventActiveMonitoring         Event = "active-monitoring"
	EventPatientDeclinedTreatment Event = "patient-declined-treatment"
	EventDNAFirstAppointment      Event = "dna-first-appointment"
	EventExacerbationDischarge    Event = "exacerbation-admission-discharge"
	EventDischarged               Event = "discharged"
)

// Events lists the event vocabulary in a fixed order.
func Events() []Event {
	return []Event{EventReferralReceived, EventTriageCompleted, EventFirstDefinitiveTreatment,
		EventDecisionNotToTreat, EventActiveMonitoring, EventPatientDeclinedTreatment,
		EventDNAFirstAppointment, EventExacerbationDischarge, EventDischarged}
}

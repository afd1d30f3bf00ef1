package pathway

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMinimalIsValid(t *testing.T) {
	require.NoError(t, minimal(t).Validate())
	var missing *Definition
	require.Equal(t, []Problem{{"document", "missing"}}, problemsOf(t, missing.Validate()))
}

func TestValidateHeaderAndStages(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"missing id", func(d *Definition) { d.ID = "" }, []Problem{{"id", "required"}}},
		{"invalid id", func(d *Definition) { d.ID = "MSK" },
			[]Problem{{"id", `must be a lower-case slug (a-z, 0-9, single hyphens, starting with a letter, at most 64 characters), got "MSK"`}}},
		{"version zero", func(d *Definition) { d.Version = 0 }, []Problem{{"version", "must be >= 1, got 0"}}},
		{"empty title and eog", func(d *Definition) { d.Title = ""; d.EOG = "  " },
			[]Problem{{"title", "required"}, {"eog", "required"}}},
		{"no way in", func(d *Definition) { d.WaysIn = nil },
			[]Problem{{"ways_in", "at least one way in is required"}}},
		{"duplicate way in", func(d *Definition) { d.WaysIn = append(d.WaysIn, WayIn{ID: "gp", Name: "Again"}) },
			[]Problem{{"ways_in[1].id", `duplicate id "gp"`}}},
		{"no stages", func(d *Definition) {
			d.Stages = nil
			d.Dispositions = nil
			d.SLA.Triage = nil
			d.Measures[1].Collect.Baseline = ""
		},
			[]Problem{{"stages", "at least one stage is required"},
				{"sla.rtt", "nothing starts the clock: give a disposition rtt: start or list starts_on events"}}},
		{"unknown next stage", func(d *Definition) { d.Stages[3].Next = []string{"discharged", "physiotherapy"} },
			[]Problem{{"stages[3].next", `unknown stage "physiotherapy"`}}},
		{"next listed twice", func(d *Definition) { d.Stages[1].Next = []string{"physio", "clinic", "physio"} },
			[]Problem{{"stages[1].next", `stage "physio" listed twice`}}},
		{"unknown stage kind", func(d *Definition) { d.Stages[2].Kind = "therapy" },
			[]Problem{{"stages[2].kind", `unknown kind "therapy" (want referral, triage, assessment, intervention, monitoring, outcome or discharge)`}}},
		{"no referral stage", func(d *Definition) { d.Stages[0].Kind = KindAssessment },
			[]Problem{{"stages", "exactly one referral stage (the entry) is required, found 0"}}},
		{"two referral stages", func(d *Definition) { d.Stages[2].Kind = KindReferral },
			[]Problem{{"stages", "exactly one referral stage (the entry) is required, found 2"}}},
		{"no discharge stage", func(d *Definition) { d.Stages[4].Kind = KindOutcome },
			[]Problem{{"stages", "at least one discharge stage is required"}}},
		{"discharge with next", func(d *Definition) { d.Stages[4].Next = []string{"triage"} },
			[]Problem{{"stages[4].next", "a discharge stage is terminal and cannot have next stages"}}},
		{"unknown stage intervention", func(d *Definition) { d.Stages[2].Interventions = []string{"physio-f2f", "hydro"} },
			[]Problem{{"stages[2].interventions", `unknown intervention "hydro"`}}},
		{"negative review interval", func(d *Definition) { d.Stages[2].ReviewEveryMonths = -1 },
			[]Problem{{"stages[2].review_every_months", "must be >= 1 month, got -1"}}},
		{"duplicate stage id", func(d *Definition) { d.Stages[3].ID = "physio" },
			[]Problem{{"stages[1].next", `unknown stage "clinic"`}, {"stages[3].id", `duplicate id "physio"`},
				{"dispositions[1].stage", `unknown stage "clinic"`}}},
		{"unreachable stage", func(d *Definition) {
			d.Stages = append(d.Stages, Stage{ID: "orphan", Name: "Orphan", Kind: KindIntervention, Next: []string{"discharged"}})
		}, []Problem{{"stages[5]", `unreachable from the entry stage "referral"`}}},
		{"stages that never reach discharge", func(d *Definition) {
			d.Stages[1].Next = append(d.Stages[1].Next, "loop-a")
			d.Stages = append(d.Stages,
				Stage{ID: "loop-a", Name: "A", Kind: KindIntervention, Next: []string{"loop-b"}},
				Stage{ID: "loop-b", Name: "B", Kind: KindIntervention, Next: []string{"loop-a"}})
		}, []Problem{{"stages[5]", "can never reach a discharge stage"}, {"stages[6]", "can never reach a discharge stage"}}},
		{"dead-end stage", func(d *Definition) { d.Stages[2].Next = nil },
			[]Problem{{"stages[2]", "can never reach a discharge stage"}}},
	})
}

func TestValidateDispositions(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"unknown disposition stage", func(d *Definition) { d.Dispositions[0].Stage = "physiotherapy" },
			[]Problem{{"dispositions[0].stage", `unknown stage "physiotherapy"`}}},
		{"disposition stage not after triage", func(d *Definition) { d.Dispositions[0].Stage = "discharged" },
			[]Problem{{"dispositions[0].stage", `stage "discharged" is not a next stage of any triage stage`}}},
		{"unknown rtt effect", func(d *Definition) { d.Dispositions[0].RTT = "pause" },
			[]Problem{{"dispositions[0].rtt", `unknown RTT effect "pause" (want start, stop or none)`}}},
		{"rtt start without clock", func(d *Definition) { d.SLA.RTT = nil },
			[]Problem{{"dispositions[1].rtt", "uses the RTT clock but sla.rtt is not defined"}}},
		{"triage without dispositions", func(d *Definition) { d.Dispositions = nil; d.SLA.RTT.StartsOn = []Event{EventReferralReceived} },
			[]Problem{{"dispositions", "at least one disposition is required: the pathway has a triage stage"}}},
		{"duplicate disposition", func(d *Definition) { d.Dispositions[1].ID = "physio" },
			[]Problem{{"dispositions[1].id", `duplicate id "physio"`}}},
	})
}

func TestValidateMeasures(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"min equal to max", func(d *Definition) { d.Measures[1].Max = 0 },
			[]Problem{{"measures[1].min", "must be less than max (min 0, max 0)"}}},
		{"min above max", func(d *Definition) { d.Measures[0].Min = 5; d.Measures[0].Max = 1 },
			[]Problem{{"measures[0].min", "must be less than max (min 5, max 1)"}}},
		{"not a number", func(d *Definition) { d.Measures[0].Max = math.NaN() },
			[]Problem{{"measures[0].max", "must be a finite number, not NaN"}}},
		{"min minus infinity", func(d *Definition) { d.Measures[0].Min = math.Inf(-1) },
			[]Problem{{"measures[0].min", "must be a finite number, not -Infinity"}}},
		{"mic infinite", func(d *Definition) { d.Measures[1].MIC = ptr(math.Inf(1)) },
			[]Problem{{"measures[1].mic", "must be a finite number, not +Infinity"}}},
		{"mic not a number", func(d *Definition) { d.Measures[1].MIC = ptr(math.NaN()) },
			[]Problem{{"measures[1].mic", "must be a finite number, not NaN"}}},
		{"mic zero", func(d *Definition) { d.Measures[1].MIC = ptr(0.0) },
			[]Problem{{"measures[1].mic", "must be > 0, got 0"}}},
		{"mic negative", func(d *Definition) { d.Measures[1].MIC = ptr(-2.0) },
			[]Problem{{"measures[1].mic", "must be > 0, got -2"}}},
		{"mic above range", func(d *Definition) { d.Measures[1].MIC = ptr(57.0) },
			[]Problem{{"measures[1].mic", "must not exceed the score range of 56, got 57"}}},
		{"unknown kind", func(d *Definition) { d.Measures[0].Kind = "lab" },
			[]Problem{{"measures[0].kind", `unknown kind "lab" (want prom, clinical or derived)`}}},
		{"prom without items", func(d *Definition) { d.Measures[1].Items = 0 },
			[]Problem{{"measures[1].items", "required for a PROM: the number of questionnaire items"}}},
		{"negative items", func(d *Definition) { d.Measures[0].Items = -1 },
			[]Problem{{"measures[0].items", "must be >= 0, got -1"}}},
		{"unknown direction", func(d *Definition) { d.Measures[0].Direction = "up" },
			[]Problem{{"measures[0].direction", `unknown direction "up" (want higher-is-better or lower-is-better)`}}},
		{"missing direction", func(d *Definition) { d.Measures[0].Direction = "" },
			[]Problem{{"measures[0].direction", "required (higher-is-better or lower-is-better)"}}},
		{"duplicate measure", func(d *Definition) { d.Measures[1].ID = "mrc"; d.Measures[1].Scale = "MRC 1-5" },
			[]Problem{{"stages[3].entry_when.any[0].measure", `unknown measure "score"`},
				{"measures[1].id", `duplicate id "mrc"`},
				{"patient_outcomes[0].measure", `unknown measure "score"`},
				{"discharge.required_measures", `unknown measure "score"`}}},
		{"unknown baseline stage", func(d *Definition) { d.Measures[1].Collect.Baseline = "assessment" },
			[]Problem{{"measures[1].collect.baseline", `unknown stage "assessment"`}}},
		{"follow-up not a discharge contact", func(d *Definition) { d.Measures[1].Collect.FollowUpMonths = []int{3, 12} },
			[]Problem{{"measures[1].collect.follow_up_months", "month 12 is not a follow-up contact in discharge.follow_up_months"}}},
		{"follow-up not ascending", func(d *Definition) { d.Measures[1].Collect.FollowUpMonths = []int{6, 3} },
			[]Problem{{"measures[1].collect.follow_up_months", "must be ascending without repeats, got 3 after 6"}}},
		{"unknown outcome measure", func(d *Definition) { d.PatientOutcomes[0].Measure = "wellbeing" },
			[]Problem{{"patient_outcomes[0].measure", `unknown measure "wellbeing"`}}},
		{"empty outcome statement", func(d *Definition) { d.PatientOutcomes[0].Statement = "" },
			[]Problem{{"patient_outcomes[0].statement", "required"}}},
	})
}

func TestValidateRules(t *testing.T) {
	cond := func(d *Definition) *Condition { return &d.Interventions[2].EligibleWhen.All[0] }
	runValidationCases(t, []validationCase{
		{"unknown measure", func(d *Definition) { cond(d).Measure = "mmrc" },
			[]Problem{{"interventions[2].eligible_when.all[0].measure", `unknown measure "mmrc"`}}},
		{"wrong scale", func(d *Definition) { cond(d).Scale = "mMRC 0-4" },
			[]Problem{{"interventions[2].eligible_when.all[0].scale", `scale "mMRC 0-4" does not match measure "mrc" scale "MRC 1-5"`}}},
		{"missing scale", func(d *Definition) { cond(d).Scale = "" },
			[]Problem{{"interventions[2].eligible_when.all[0].scale", `scale "" does not match measure "mrc" scale "MRC 1-5"`}}},
		{"value above range", func(d *Definition) { cond(d).Value = 6 },
			[]Problem{{"interventions[2].eligible_when.all[0].value", `6 is outside measure "mrc" range 1 to 5`}}},
		{"value below range", func(d *Definition) { cond(d).Value = 0 },
			[]Problem{{"interventions[2].eligible_when.all[0].value", `0 is outside measure "mrc" range 1 to 5`}}},
		{"unknown operator", func(d *Definition) { cond(d).Op = "=>" },
			[]Problem{{"interventions[2].eligible_when.all[0].op", `unknown operator "=>" (want <, <=, ==, !=, >= or >)`}}},
		{"infinite value", func(d *Definition) { cond(d).Value = math.Inf(1) },
			[]Problem{{"interventions[2].eligible_when.all[0].value", "must be a finite number, not +Infinity"}}},
		{"minus infinite value", func(d *Definition) { cond(d).Value = math.Inf(-1) },
			[]Problem{{"interventions[2].eligible_when.all[0].value", "must be a finite number, not -Infinity"}}},
		{"value not a number", func(d *Definition) { cond(d).Value = math.NaN() },
			[]Problem{{"interventions[2].eligible_when.all[0].value", "must be a finite number, not NaN"}}},
		{"empty rule", func(d *Definition) { d.Stages[3].EntryWhen = &Rule{} },
			[]Problem{{"stages[3].entry_when", "needs at least one condition in all or any"}}},
		{"stage rule names unknown measure", func(d *Definition) { d.Stages[3].EntryWhen.Any[0].Measure = "cat" },
			[]Problem{{"stages[3].entry_when.any[0].measure", `unknown measure "cat"`}}},
	})
}

func TestValidateProvidersAndInterventions(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"zero price", func(d *Definition) { d.Interventions[1].UnitPricePence = 0 },
			[]Problem{{"interventions[1].unit_price_pence", "must be > 0 pence, got 0"}}},
		{"negative price", func(d *Definition) { d.Interventions[1].UnitPricePence = -4500 },
			[]Problem{{"interventions[1].unit_price_pence", "must be > 0 pence, got -4500"}}},
		{"unknown provider", func(d *Definition) { d.Interventions[1].Provider = "NZX01" },
			[]Problem{{"interventions[1].provider", `unknown provider "NZX01"`}}},
		{"missing provider and unit", func(d *Definition) { d.Interventions[1].Provider = ""; d.Interventions[1].Unit = "" },
			[]Problem{{"interventions[1].provider", "required"}, {"interventions[1].unit", "required"}}},
		{"intervention not offered at any stage", func(d *Definition) { d.Stages[3].Interventions = nil },
			[]Problem{{"interventions[2]", "not offered at any stage: list it in a stage's interventions"}}},
		{"duplicate intervention", func(d *Definition) { d.Interventions[2].ID = "physio-f2f" },
			[]Problem{{"stages[3].interventions", `unknown intervention "rehab"`},
				{"interventions[2].id", `duplicate id "physio-f2f"`},
				{"sla.clocks[0].stops_on[0].intervention", `unknown intervention "rehab"`}}},
		{"bad ODS code", func(d *Definition) {
			d.Providers[0].Code = "rzx-1"
			d.Providers = append(d.Providers, Provider{Code: "RZX", Name: "x"})
		},
			[]Problem{{"providers[0].code", `must be an ODS-style code (3 to 6 upper-case letters or digits), got "rzx-1"`}}},
		{"duplicate provider", func(d *Definition) { d.Providers = append(d.Providers, Provider{Code: "RZX", Name: "Again"}) },
			[]Problem{{"providers[1].code", `duplicate code "RZX"`}}},
		{"provider without name", func(d *Definition) { d.Providers[0].Name = "" },
			[]Problem{{"providers[0].name", "required"}}},
	})
}

func TestValidateSLAAndDischarge(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"triage sla missing", func(d *Definition) { d.SLA.Triage = nil },
			[]Problem{{"sla.triage", "required: the pathway has a triage stage"}}},
		{"triage sla zero days", func(d *Definition) { d.SLA.Triage.Within = 0 },
			[]Problem{{"sla.triage.within", "must be > 0 days, got 0"}}},
		{"unknown day count", func(d *Definition) { d.SLA.Triage.Days = "weekdays" },
			[]Problem{{"sla.triage.days", `unknown day count "weekdays" (want calendar or working)`}}},
		{"clock period negative", func(d *Definition) { d.SLA.Clocks[0].Within.Within = -1 },
			[]Problem{{"sla.clocks[0].within.within", "must be > 0 days, got -1"}}},
		{"trigger with two fields", func(d *Definition) { d.SLA.Clocks[0].StartsOn.Stage = "triage" },
			[]Problem{{"sla.clocks[0].starts_on", "exactly one of event, stage, disposition or intervention must be set, found 2"}}},
		{"trigger unknown event", func(d *Definition) { d.SLA.Clocks[0].StartsOn.Event = "admitted" },
			[]Problem{{"sla.clocks[0].starts_on.event", `unknown event "admitted"`}}},
		{"trigger unknown disposition", func(d *Definition) { d.SLA.Clocks[0].StopsOn = []Trigger{{Disposition: "rehab"}} },
			[]Problem{{"sla.clocks[0].stops_on[0].disposition", `unknown disposition "rehab"`}}},
		{"clock without stop", func(d *Definition) { d.SLA.Clocks[0].StopsOn = nil },
			[]Problem{{"sla.clocks[0].stops_on", "at least one stop trigger is required"}}},
		{"rtt weeks zero", func(d *Definition) { d.SLA.RTT.Weeks = 0 },
			[]Problem{{"sla.rtt.weeks", "must be > 0, got 0"}}},
		{"rtt without stop", func(d *Definition) { d.SLA.RTT.StopsOn = nil },
			[]Problem{{"sla.rtt.stops_on", "at least one stop event is required"}}},
		{"rtt unknown event", func(d *Definition) { d.SLA.RTT.StopsOn = append(d.SLA.RTT.StopsOn, "patient-paused") },
			[]Problem{{"sla.rtt.stops_on", `unknown event "patient-paused"`}}},
		{"rtt event both stops and nullifies", func(d *Definition) { d.SLA.RTT.NullifiedBy = []Event{EventFirstDefinitiveTreatment} },
			[]Problem{{"sla.rtt.nullified_by", `event "first-definitive-treatment" also stops the clock`}}},
		{"rtt never started", func(d *Definition) { d.Dispositions[1].RTT = RTTNone },
			[]Problem{{"sla.rtt", "nothing starts the clock: give a disposition rtt: start or list starts_on events"}}},
		{"discharge unknown measure", func(d *Definition) { d.Discharge.RequiredMeasures = []string{"score", "eq5d"} },
			[]Problem{{"discharge.required_measures", `unknown measure "eq5d"`}}},
		{"discharge follow-up zero", func(d *Definition) { d.Discharge.FollowUpMonths = []int{0, 3} },
			[]Problem{{"discharge.follow_up_months", "must be > 0 months, got 0"}}},
		{"readmission windows not ascending", func(d *Definition) { d.Discharge.ReadmissionWindowsDays = []int{90, 30} },
			[]Problem{{"discharge.readmission_windows_days", "must be ascending without repeats, got 30 after 90"}}},
	})
}

type validationCase struct {
	name   string
	mutate func(*Definition)
	want   []Problem
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := minimal(t)
			tc.mutate(d)
			require.Equal(t, tc.want, problemsOf(t, d.Validate()))
		})
	}
}

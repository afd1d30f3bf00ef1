package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBuiltinVersionsValidate(t *testing.T) {
	defs := Builtin()
	require.Len(t, defs, 2)
	require.Equal(t, []string{"msk", "copd"}, []string{defs[0].ID, defs[1].ID})
	for _, d := range defs {
		require.Equal(t, 1, d.Version)
		require.NoError(t, d.Validate(), d.ID)
	}
	defs[0].Title = "changed by a caller"
	require.NotEqual(t, "changed by a caller", Builtin()[0].Title, "each call returns fresh copies")
}

func TestLoad(t *testing.T) {
	d, err := Load("msk", 1)
	require.NoError(t, err)
	require.Equal(t, "msk", d.ID)
	for _, tc := range []struct {
		id      string
		version int
	}{{"msk", 2}, {"hips", 1}, {"../msk", 1}} {
		_, err := Load(tc.id, tc.version)
		require.ErrorIs(t, err, ErrNotFound, "%s v%d", tc.id, tc.version)
	}
	doc, err := BuiltinYAML("copd", 1)
	require.NoError(t, err)
	require.Contains(t, string(doc), "# The NHS/NICE MRC dyspnoea scale is graded 1-5", "authored comments are kept")
}

// TestMSKv1 pins the clinical facts of the shipped MSK version.
func TestMSKv1(t *testing.T) {
	d, err := Load("msk", 1)
	require.NoError(t, err)
	entry, ok := d.EntryStage()
	require.True(t, ok)
	require.Equal(t, []string{"spa-triage"}, d.NextStages(entry.ID))
	require.Equal(t, []string{"gp", "fcp", "self"}, idsOf(d.WaysIn, func(w WayIn) string { return w.ID }))

	hq, ok := d.Measure("msk-hq")
	require.True(t, ok)
	require.Equal(t, Measure{ID: "msk-hq", Name: "MSK Health Questionnaire (MSK-HQ)", Kind: MeasurePROM, Items: 14,
		Min: 0, Max: 56, Direction: HigherIsBetter, MIC: ptr(6.0),
		Collect: Schedule{Baseline: "spa-triage", AtDischarge: true, FollowUpMonths: []int{3, 6}}}, hq)
	eq, _ := d.Measure("eq5d5l-index")
	require.Equal(t, [2]float64{-0.281, 0.951}, [2]float64{eq.Min, eq.Max})
	vas, _ := d.Measure("eq-vas")
	require.Equal(t, [2]float64{0, 100}, [2]float64{vas.Min, vas.Max})

	rttStarts := map[string]RTTEffect{}
	for _, x := range d.Dispositions {
		rttStarts[x.ID] = x.RTT
		require.True(t, d.CanTransition("spa-triage", x.Stage), x.ID)
	}
	require.Equal(t, map[string]RTTEffect{"advice-self-management": RTTNone, "physio-telephone": RTTNone,
		"physio-face-to-face": RTTNone, "cats": RTTStart, "investigations": RTTNone,
		"orthopaedics": RTTStart, "rheumatology": RTTStart, "pain": RTTStart}, rttStarts)
	require.Equal(t, &RTTClock{Weeks: 18,
		StopsOn:     []Event{EventFirstDefinitiveTreatment, EventDecisionNotToTreat, EventActiveMonitoring, EventPatientDeclinedTreatment},
		NullifiedBy: []Event{EventDNAFirstAppointment}}, d.SLA.RTT)
	require.Equal(t, []int{3, 6}, d.Discharge.FollowUpMonths)
	require.True(t, d.IsTerminal("discharged"))
	require.False(t, d.IsTerminal("outcome-review"))
}

// TestCOPDv1 pins the clinical facts of the shipped COPD version.
func TestCOPDv1(t *testing.T) {
	d, err := Load("copd", 1)
	require.NoError(t, err)
	mrc, _ := d.Measure("mrc-dyspnoea")
	require.Equal(t, "MRC 1-5", mrc.Scale)
	require.Equal(t, [2]float64{1, 5}, [2]float64{mrc.Min, mrc.Max})
	cat, _ := d.Measure("cat")
	require.Equal(t, Measure{ID: "cat", Name: "COPD Assessment Test (CAT)", Kind: MeasurePROM, Items: 8,
		Min: 0, Max: 40, Direction: LowerIsBetter, MIC: ptr(2.0),
		Collect: Schedule{Baseline: "respiratory-triage", AtDischarge: true}}, cat)
	triage, _ := d.Stage("respiratory-triage")
	require.Equal(t, "fev1-fvc < 0.7", triage.EntryWhen.String())

	var highValue []string
	for _, iv := range d.Interventions {
		if iv.HighValue {
			highValue = append(highValue, iv.ID)
		}
	}
	require.Equal(t, []string{"stop-smoking", "flu-vaccination", "self-management-plan", "inhaler-review", "pulmonary-rehab"}, highValue)
	clock, ok := d.Clock("rehab-after-admission")
	require.True(t, ok)
	require.Equal(t, Clock{ID: "rehab-after-admission",
		Name:     "Pulmonary rehabilitation starts within 4 weeks of discharge after an exacerbation admission",
		StartsOn: Trigger{Event: EventExacerbationDischarge}, StopsOn: []Trigger{{Intervention: "pulmonary-rehab"}},
		Within: Period{Within: 28, Days: CalendarDays}}, clock)
	require.Equal(t, []int{30, 90}, d.Discharge.ReadmissionWindowsDays)
	require.Equal(t, []string{"time-at-home", "feeling-supported"},
		idsOf(d.PatientOutcomes, func(o PatientOutcome) string { return o.ID }))
	mon, _ := d.Stage("monitoring")
	require.Equal(t, 12, mon.ReviewEveryMonths)
}

func TestLookups(t *testing.T) {
	d := minimal(t)
	s, ok := d.Stage("clinic")
	require.True(t, ok)
	require.Equal(t, KindAssessment, s.Kind)
	_, ok = d.Stage("nowhere")
	require.False(t, ok)
	require.Equal(t, []string{"physio", "clinic"}, d.NextStages("triage"))
	require.Nil(t, d.NextStages("discharged"))
	require.True(t, d.CanTransition("triage", "clinic"))
	require.False(t, d.CanTransition("referral", "clinic"))
	next := d.NextStages("triage")
	next[0] = "mutated"
	require.Equal(t, []string{"physio", "clinic"}, d.NextStages("triage"), "callers get a copy")
	disp, ok := d.Disposition("clinic")
	require.True(t, ok)
	require.Equal(t, RTTStart, disp.RTT)
	p, ok := d.Provider("RZX")
	require.True(t, ok)
	require.Equal(t, "Demo acute trust", p.Name)
	require.Equal(t, []string{"rehab"}, idsOf(d.InterventionsAt("clinic"), func(i Intervention) string { return i.ID }))
	require.Nil(t, d.InterventionsAt("nowhere"))
	_, ok = d.Intervention("rehab")
	require.True(t, ok)
	_, ok = d.Clock("rehab-start")
	require.True(t, ok)
	require.Len(t, Events(), 9)
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEligibleForPulmonaryRehab(t *testing.T) {
	copd, err := Load("copd", 1)
	require.NoError(t, err)
	cases := []struct {
		name    string
		scores  map[string]Score
		want    bool
		reasons []string
	}{
		{"MRC 2 is not eligible", map[string]Score{"mrc-dyspnoea": {Value: 2, Scale: "MRC 1-5"}}, false,
			[]string{"MRC dyspnoea scale 2: does not meet mrc-dyspnoea >= 3 (MRC 1-5)"}},
		{"MRC 3 is eligible", map[string]Score{"mrc-dyspnoea": {Value: 3, Scale: "MRC 1-5"}}, true,
			[]string{"MRC dyspnoea scale 3: meets mrc-dyspnoea >= 3 (MRC 1-5)"}},
		{"MRC 5 is eligible", map[string]Score{"mrc-dyspnoea": {Value: 5, Scale: "MRC 1-5"}}, true,
			[]string{"MRC dyspnoea scale 5: meets mrc-dyspnoea >= 3 (MRC 1-5)"}},
		{"mMRC score is refused", map[string]Score{"mrc-dyspnoea": {Value: 3, Scale: "mMRC 0-4"}}, false,
			[]string{`MRC dyspnoea scale recorded on scale "mMRC 0-4", but the rule needs scale "MRC 1-5"`}},
		{"score without a scale is refused", map[string]Score{"mrc-dyspnoea": {Value: 4}}, false,
			[]string{`MRC dyspnoea scale recorded on scale "", but the rule needs scale "MRC 1-5"`}},
		{"score outside the scale is refused", map[string]Score{"mrc-dyspnoea": {Value: 6, Scale: "MRC 1-5"}}, false,
			[]string{"MRC dyspnoea scale score 6 is outside the range 1 to 5"}},
		{"no score recorded", map[string]Score{"cat": {Value: 20}}, false,
			[]string{"no MRC dyspnoea scale score recorded (needed: mrc-dyspnoea >= 3 (MRC 1-5))"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, reasons := copd.Eligible("pulmonary-rehab", tc.scores)
			require.Equal(t, tc.want, ok)
			require.Equal(t, tc.reasons, reasons)
		})
	}
}

func TestEligibleWithoutRuleAndUnknownIntervention(t *testing.T) {
	copd, err := Load("copd", 1)
	require.NoError(t, err)
	ok, reasons := copd.Eligible("flu-vaccination", nil)
	require.True(t, ok)
	require.Empty(t, reasons)
	ok, reasons = copd.Eligible("hydrotherapy", nil)
	require.False(t, ok)
	require.Equal(t, []string{`unknown intervention "hydrotherapy"`}, reasons)
}

func TestCanEnterNeedsConfirmedCOPD(t *testing.T) {
	copd, err := Load("copd", 1)
	require.NoError(t, err)
	cases := []struct {
		ratio float64
		want  bool
	}{{0.55, true}, {0.69, true}, {0.7, false}, {0.82, false}}
	for _, tc := range cases {
		ok, reasons := copd.CanEnter("respiratory-triage", map[string]Score{"fev1-fvc": {Value: tc.ratio}})
		require.Equal(t, tc.want, ok, "FEV1/FVC %v: %v", tc.ratio, reasons)
		require.Len(t, reasons, 1)
	}
	ok, _ := copd.CanEnter("diagnosis", nil)
	require.True(t, ok, "a stage without an entry rule is open")
}

func TestRuleAllAndAny(t *testing.T) {
	d := minimal(t)
	d.Interventions[2].EligibleWhen = &Rule{
		All: []Condition{{Measure: "mrc", Scale: "MRC 1-5", Op: OpGreaterEqual, Value: 3}},
		Any: []Condition{{Measure: "score", Op: OpLess, Value: 20}, {Measure: "score", Op: OpGreater, Value: 50}},
	}
	require.NoError(t, d.Validate())
	require.Equal(t, "mrc >= 3 (MRC 1-5) and (score < 20 or score > 50)", d.Interventions[2].EligibleWhen.String())
	mrc3 := Score{Value: 3, Scale: "MRC 1-5"}
	cases := []struct {
		name    string
		scores  map[string]Score
		want    bool
		reasons []string
	}{
		{"all and first of any", map[string]Score{"mrc": mrc3, "score": {Value: 10}}, true,
			[]string{"MRC dyspnoea scale 3: meets mrc >= 3 (MRC 1-5)", "Demo score 10: meets score < 20"}},
		{"all and second of any", map[string]Score{"mrc": mrc3, "score": {Value: 55}}, true,
			[]string{"MRC dyspnoea scale 3: meets mrc >= 3 (MRC 1-5)", "Demo score 55: meets score > 50"}},
		{"all but none of any", map[string]Score{"mrc": mrc3, "score": {Value: 30}}, false,
			[]string{"Demo score 30: does not meet score < 20", "Demo score 30: does not meet score > 50"}},
		{"any but not all", map[string]Score{"mrc": {Value: 2, Scale: "MRC 1-5"}, "score": {Value: 10}}, false,
			[]string{"MRC dyspnoea scale 2: does not meet mrc >= 3 (MRC 1-5)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, reasons := d.Eligible("rehab", tc.scores)
			require.Equal(t, tc.want, ok)
			require.Equal(t, tc.reasons, reasons)
		})
	}
}

func TestOperators(t *testing.T) {
	cases := []struct {
		op   Operator
		a, b float64
		want bool
	}{
		{OpLess, 1, 2, true}, {OpLess, 2, 2, false},
		{OpLessEqual, 2, 2, true}, {OpLessEqual, 3, 2, false},
		{OpEqual, 2, 2, true}, {OpEqual, 1, 2, false},
		{OpNotEqual, 1, 2, true}, {OpNotEqual, 2, 2, false},
		{OpGreaterEqual, 2, 2, true}, {OpGreaterEqual, 1, 2, false},
		{OpGreater, 3, 2, true}, {OpGreater, 2, 2, false},
		{"=>", 3, 2, false},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, tc.op.holds(tc.a, tc.b), "%v %s %v", tc.a, tc.op, tc.b)
	}
}

package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMeasureSchedules(t *testing.T) {
	msk, err := Load("msk", 1)
	require.NoError(t, err)
	measureIDs := func(ms []Measure) []string { return idsOf(ms, func(m Measure) string { return m.ID }) }
	cases := []struct {
		name string
		got  []Measure
		want []string
	}{
		{"baseline at triage", msk.MeasuresAtBaseline("spa-triage"), []string{"msk-hq", "eq5d5l-index", "eq-vas"}},
		{"no baseline at referral", msk.MeasuresAtBaseline("referral"), []string{}},
		{"at discharge", msk.MeasuresAtDischarge(), []string{"msk-hq", "eq5d5l-index", "eq-vas", "feeling-supported"}},
		{"3 months after discharge", msk.MeasuresAtFollowUp(3), []string{"msk-hq", "eq5d5l-index", "eq-vas"}},
		{"6 months after discharge", msk.MeasuresAtFollowUp(6), []string{"msk-hq", "eq5d5l-index", "eq-vas"}},
		{"no 12-month follow-up", msk.MeasuresAtFollowUp(12), []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, measureIDs(tc.got))
		})
	}
}

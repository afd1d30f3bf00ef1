package pathway

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReasonsDefaultWhenAVersionListsNone(t *testing.T) {
	d := minimal(t)
	require.NoError(t, d.CheckReason(ReasonDischarge, "treatment-complete"))
	require.NoError(t, d.CheckReason(ReasonCancel, "duplicate"))
	require.NoError(t, d.CheckReason(ReasonMigrate, "superseded-version"))
	err := d.CheckReason(ReasonDischarge, "Mrs Smith moved to Leeds and no longer needs physio")
	require.ErrorContains(t, err, "treatment-complete, goals-met")
	require.NotContains(t, err.Error(), "no longer needs physio", "a wrong reason is not echoed: it may be a note")
	require.ErrorContains(t, d.CheckReason(ReasonCancel, ""), "is required")
}

func TestReasonsOfTheVersionReplaceTheDefaults(t *testing.T) {
	doc, err := os.ReadFile("testdata/minimal.yaml")
	require.NoError(t, err)
	doc = append(doc, []byte("reasons:\n  discharge:\n    - code: end-of-programme\n      label: End of programme\n")...)
	d, err := Parse(doc)
	require.NoError(t, err)
	require.NoError(t, d.CheckReason(ReasonDischarge, "end-of-programme"))
	require.Error(t, d.CheckReason(ReasonDischarge, "treatment-complete"), "the version's own list replaces the default")
	require.NoError(t, d.CheckReason(ReasonCancel, "duplicate"), "kinds it does not list keep the default")

	canonical, err := d.YAML()
	require.NoError(t, err)
	again, err := Parse(canonical)
	require.NoError(t, err)
	require.Equal(t, d.Reasons, again.Reasons, "reasons survive the canonical YAML")
}

func TestReasonsAreValidated(t *testing.T) {
	d := minimal(t)
	d.Reasons.Cancel = []Reason{{Code: "dup", Label: "Duplicate"}, {Code: "dup", Label: "Again"}, {Code: "Bad Code", Label: ""}}
	require.Equal(t, []Problem{
		{Path: "reasons.cancel[1].code", Rule: `duplicate code "dup"`},
		{Path: "reasons.cancel[2].code", Rule: "must be a reason code: 1-40 lower-case letters, digits and '-', starting with a letter or digit"},
		{Path: "reasons.cancel[2].label", Rule: "required"},
	}, problemsOf(t, d.Validate()))
}

func TestDiffShowsReasonCodesThatComeAndGo(t *testing.T) {
	from := minimal(t)
	to := minimal(t)
	to.Version++
	to.Reasons.Cancel = []Reason{{Code: "duplicate", Label: "Duplicate referral"}, {Code: "wrong-service", Label: "Referred to the wrong service"}}
	var got []string
	for _, c := range Diff(from, to).Items {
		if c.Area == AreaReason {
			got = append(got, string(c.Kind)+" "+c.Path)
		}
	}
	require.Contains(t, got, "added reasons.cancel[wrong-service]")
	require.Contains(t, got, "removed reasons.cancel[moved-away]")
	require.NotContains(t, got, "removed reasons.cancel[duplicate]", "a code kept is no change")
	require.Empty(t, func() []string {
		var same []string
		for _, c := range Diff(from, from).Items {
			same = append(same, c.Path)
		}
		return same
	}())
}

package pathway

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	cases := []struct {
		name   string
		change func(d *Definition)
		want   []Change
		text   string
	}{
		{"price change", func(d *Definition) { d.Interventions[1].UnitPricePence = 4850 },
			[]Change{{Kind: Changed, Area: AreaIntervention, Path: "interventions[physio-f2f].unit_price_pence",
				Before: "£45.00", After: "£48.50", Summary: "Intervention 'physio-f2f' price changed from £45.00 to £48.50"}},
			"- Intervention 'physio-f2f' price changed from £45.00 to £48.50\n"},
		{"stage added", func(d *Definition) {
			d.Stages[1].Next = append(d.Stages[1].Next, "hydrotherapy")
			d.Stages = append(d.Stages, Stage{ID: "hydrotherapy", Name: "Hydrotherapy", Kind: KindIntervention,
				Next: []string{"discharged"}})
		}, []Change{
			{Kind: Added, Area: AreaStage, Path: "stages[hydrotherapy]", After: "Hydrotherapy (intervention)",
				Summary: "Stage 'hydrotherapy' added: Hydrotherapy (intervention)"},
			{Kind: Added, Area: AreaTransition, Path: "stages[triage].next[hydrotherapy]",
				Summary: "Transition 'triage' → 'hydrotherapy' added"},
			{Kind: Added, Area: AreaTransition, Path: "stages[hydrotherapy].next[discharged]",
				Summary: "Transition 'hydrotherapy' → 'discharged' added"},
		}, "- Stage 'hydrotherapy' added: Hydrotherapy (intervention)\n" +
			"- Transition 'triage' → 'hydrotherapy' added\n" +
			"- Transition 'hydrotherapy' → 'discharged' added\n"},
		{"rule threshold changed", func(d *Definition) { d.Interventions[2].EligibleWhen.All[0].Value = 2 },
			[]Change{{Kind: Changed, Area: AreaEligibility, Path: "interventions[rehab].eligible_when",
				Before: "mrc >= 3 (MRC 1-5)", After: "mrc >= 2 (MRC 1-5)",
				Summary: "Intervention 'rehab' eligibility rule changed from mrc >= 3 (MRC 1-5) to mrc >= 2 (MRC 1-5)"}},
			"- Intervention 'rehab' eligibility rule changed from mrc >= 3 (MRC 1-5) to mrc >= 2 (MRC 1-5)\n"},
		{"measure MIC changed", func(d *Definition) { d.Measures[1].MIC = ptr(8.0) },
			[]Change{{Kind: Changed, Area: AreaMeasure, Path: "measures[score].mic", Before: "6", After: "8",
				Summary: "Measure 'score' minimal important change changed from 6 to 8"}},
			"- Measure 'score' minimal important change changed from 6 to 8\n"},
		{"transition removed and provider changed", func(d *Definition) {
			d.Stages[1].Next = []string{"physio"}
			d.Stages[2].Next = []string{"clinic", "discharged"}
			d.Dispositions = d.Dispositions[:1]
			d.SLA.RTT.StartsOn = []Event{EventReferralReceived}
			d.Providers = append(d.Providers, Provider{Code: "NZX01", Name: "Community physio"})
			d.Interventions[1].Provider = "NZX01"
		}, []Change{
			{Kind: Removed, Area: AreaTransition, Path: "stages[triage].next[clinic]",
				Summary: "Transition 'triage' → 'clinic' removed"},
			{Kind: Added, Area: AreaTransition, Path: "stages[physio].next[clinic]",
				Summary: "Transition 'physio' → 'clinic' added"},
			{Kind: Removed, Area: AreaDisposition, Path: "dispositions[clinic]", Before: "Consultant clinic, leads to stage 'clinic'",
				Summary: "Disposition 'clinic' removed: Consultant clinic, leads to stage 'clinic'"},
			{Kind: Added, Area: AreaProvider, Path: "providers[NZX01]", After: "Community physio",
				Summary: "Provider 'NZX01' added: Community physio"},
			{Kind: Changed, Area: AreaIntervention, Path: "interventions[physio-f2f].provider",
				Before: "RZX (Demo acute trust)", After: "NZX01 (Community physio)",
				Summary: "Intervention 'physio-f2f' provider changed from RZX (Demo acute trust) to NZX01 (Community physio)"},
			{Kind: Changed, Area: AreaSLA, Path: "sla.rtt.starts_on", After: "referral-received",
				Summary: "RTT clock start events set to referral-received"},
		}, ""},
		{"SLA and RTT changed", func(d *Definition) {
			d.Version = 2
			d.SLA.Triage = &Period{Within: 1, Days: WorkingDays}
			d.SLA.RTT.NullifiedBy = nil
			d.Discharge.FollowUpMonths = []int{3, 6, 12}
		}, []Change{
			{Kind: Changed, Area: AreaPathway, Path: "version", Before: "1", After: "2",
				Summary: "Pathway version changed from 1 to 2"},
			{Kind: Changed, Area: AreaSLA, Path: "sla.triage.within", Before: "5 working days", After: "1 working day",
				Summary: "Triage SLA target changed from 5 working days to 1 working day"},
			{Kind: Changed, Area: AreaSLA, Path: "sla.rtt.nullified_by", Before: "dna-first-appointment",
				Summary: "RTT clock nullifying events removed (was dna-first-appointment)"},
			{Kind: Changed, Area: AreaDischarge, Path: "discharge.follow_up_months", Before: "3, 6 months", After: "3, 6, 12 months",
				Summary: "Discharge follow-up contacts changed from 3, 6 months to 3, 6, 12 months"},
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, to := minimal(t), minimal(t)
			tc.change(to)
			require.NoError(t, to.Validate())
			got := Diff(from, to)
			require.Equal(t, tc.want, got.Items)
			if tc.text != "" {
				require.Equal(t, tc.text, got.Text())
			}
			back := Diff(to, from)
			require.Len(t, back.Items, len(tc.want), "the reverse diff has as many items")
		})
	}
}

func TestDiffIdenticalAndFromNothing(t *testing.T) {
	d := minimal(t)
	same := Diff(d, minimal(t))
	require.True(t, same.Empty())
	require.Equal(t, "No changes.\n", same.Text())

	// Reordering stages or a stage's interventions is not a change in substance.
	re := minimal(t)
	re.Stages[2], re.Stages[3] = re.Stages[3], re.Stages[2]
	re.Stages[1].Next = []string{"clinic", "physio"}
	require.True(t, Diff(d, re).Empty(), Diff(d, re).Text())

	all := Diff(nil, d)
	require.Equal(t, Changes{Items: all.Items}, all)
	require.Equal(t, Change{Kind: Added, Area: AreaStage, Path: "stages[referral]", After: "Referral (referral)",
		Summary: "Stage 'referral' added: Referral (referral)"}, firstOfArea(all, AreaStage))
	require.Equal(t, Change{Kind: Added, Area: AreaIntervention, Path: "interventions[physio-f2f]",
		After:   "Physiotherapy face-to-face session by RZX (Demo acute trust) at £45.00 per session",
		Summary: "Intervention 'physio-f2f' added: Physiotherapy face-to-face session by RZX (Demo acute trust) at £45.00 per session"},
		all.Items[indexOf(all, "interventions[physio-f2f]")])
}

func TestDiffIsDeterministic(t *testing.T) {
	msk, err := Load("msk", 1)
	require.NoError(t, err)
	copd, err := Load("copd", 1)
	require.NoError(t, err)
	first := Diff(msk, copd).Text()
	for range 20 {
		require.Equal(t, first, Diff(msk, copd).Text())
	}
}

func firstOfArea(c Changes, a Area) Change {
	for _, ch := range c.Items {
		if ch.Area == a {
			return ch
		}
	}
	return Change{}
}

func indexOf(c Changes, path string) int {
	for i, ch := range c.Items {
		if ch.Path == path {
			return i
		}
	}
	return -1
}

func TestFormatPence(t *testing.T) {
	cases := map[int64]string{
		0: "£0.00", 5: "£0.05", 4500: "£45.00", 4850: "£48.50", 1006: "£10.06",
		125000: "£1,250.00", 12000000000: "£120,000,000.00", -250: "-£2.50",
		-9223372036854775808: "-£92,233,720,368,547,758.08",
	}
	for pence, want := range cases {
		require.Equal(t, want, FormatPence(pence))
	}
}

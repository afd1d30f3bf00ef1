package integration

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/cli"
)

// The walkthrough in the coordinator README, one MSK referral from submission to discharge with
// pathwayctl alone; each step's exit code and what a user reads on screen.
func TestWalkthroughWithPathwayctl(t *testing.T) {
	s := newStack(t)
	tomorrow := time.Now().UTC().Add(day).Truncate(time.Hour).Format(time.RFC3339)
	steps := []struct {
		args []string
		says []string
	}{
		{[]string{"submit", "-referral-id", "R-1001", "-pathway", "msk", "-nhs-number", "9990001006", "-practice", "A81001",
			"-pcn", "U12345", "-segment", "LTC", "-source", "GP", "-reason", "knee pain for 8 weeks"}, []string{"ref-R-1001", "true"}},
		{[]string{"worklist", "awaiting-triage", "-pcn", "U12345"}, []string{"ref-R-1001", "spa-triage"}},
		{[]string{"triage", "ref-R-1001", "-disposition", "cats", "-measure", "msk-hq=30", "-measure", "eq5d5l-index=0.61",
			"-measure", "eq-vas=60"}, []string{"cats-assessment", "TriageCompleted,RTTClockStarted"}},
		{[]string{"worklist", "in-intervention", "-pcn", "U12345"}, []string{"ref-R-1001", "cats-assessment"}},
		{[]string{"schedule", "ref-R-1001", "-intervention", "cats-assessment", "-at", tomorrow}, []string{"iv-1", "InterventionScheduled"}},
		{[]string{"start", "ref-R-1001", "-intervention-id", "iv-1"}, []string{"InterventionStarted"}},
		{[]string{"complete", "ref-R-1001", "-intervention-id", "iv-1"}, []string{"InterventionCompleted"}},
		{[]string{"schedule", "ref-R-1001", "-intervention", "msk-injection", "-at", tomorrow}, []string{"iv-2"}},
		{[]string{"complete", "ref-R-1001", "-intervention-id", "iv-2"}, []string{"InterventionCompleted,RTTClockStopped"}},
		{[]string{"outcome", "ref-R-1001", "-point", "discharge", "-measure", "msk-hq=44", "-measure", "eq5d5l-index=0.82",
			"-measure", "eq-vas=80"}, []string{"outcome-review", "OutcomeRecorded"}},
		{[]string{"discharge", "ref-R-1001", "-reason", "treatment-complete", "-note", "home exercises going well"}, []string{"discharged", "Discharged"}},
		{[]string{"show", "ref-R-1001"}, []string{"Stage:          discharged (discharged)", "RTT clock:      stopped",
			"iv-2  msk-injection    completed", "reason=treatment-complete"}},
	}
	for _, st := range steps {
		var code int
		var out, errs string
		if st.args[0] == "worklist" {
			// Worklists read Temporal visibility, which lags the journey by a moment.
			eventually(t, strings.Join(st.args, " "), func() bool {
				code, out, errs = s.ctl(t, st.args...)
				return code != cli.ExitOK || strings.Contains(out, st.says[1])
			})
		} else {
			code, out, errs = s.ctl(t, st.args...)
		}
		require.Equal(t, cli.ExitOK, code, "pathwayctl %s: %s", strings.Join(st.args, " "), errs)
		for _, want := range st.says {
			require.Contains(t, out, want, "pathwayctl %s", strings.Join(st.args, " "))
		}
	}

	code, out, errs := s.ctl(t, "show", "ref-R-1001", "-o", "json")
	require.Equal(t, cli.ExitOK, code, errs)
	var shown struct {
		Journey struct {
			Status string `json:"status"`
		} `json:"journey"`
		Timeline []struct {
			Type string `json:"type"`
		} `json:"timeline"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &shown))
	require.Equal(t, "discharged", shown.Journey.Status)
	require.Len(t, shown.Timeline, 12)
	require.Equal(t, "Discharged", shown.Timeline[11].Type)

	code, _, errs = s.ctl(t, "triage", "ref-R-1001", "-disposition", "cats")
	require.Equal(t, cli.ExitNotAllowed, code)
	require.Contains(t, errs, "current stage: discharged")
	require.NotContains(t, errs, "retry", "a refusal changed nothing: no retry advice")
}

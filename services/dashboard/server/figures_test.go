package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
)

var q1 = &dashboardv1.Filter{FromMonth: "2026-01", ToMonth: "2026-03"}

func TestSystemFiguresMatchTheHandComputedFixture(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	sys := svc.system(t, q1)

	require.Equal(t, "2026-01", sys.GetFromMonth())
	require.Equal(t, "2026-03", sys.GetToMonth())
	// Referrals in Jan-Mar: J1, J2, J7 (Jan), J5, J6 (Feb), J4 (Mar) = 6; J3 came in October.
	require.EqualValues(t, 6, sys.GetReferralsReceived())
	// At the end of March only J4 is referred, untriaged and open (J7 was cancelled).
	require.EqualValues(t, 1, sys.GetWaitingForTriage())
	// Triages in the period: J1, J5, J6 on time; J2 breached: 3 of 4. (J3's was in October.)
	require.True(t, proto.Equal(share(3, 4), sys.GetTriageWithinSla()), "%v", sys.GetTriageWithinSla())
	// Incomplete RTT pathways at 1 April 00:00 BST: J2 (from 10 Jan, 80 days), J4 (from 20 Mar,
	// 11 days) within 126 days; J3 (from 1 Oct 2025, 182 days) over. J1 stopped on 20 Jan.
	// 2 of 3 = 66.7%, below the 92% standard.
	require.True(t, proto.Equal(share(2, 3), sys.GetRttWithin_18Weeks()), "%v", sys.GetRttWithin_18Weeks())
	require.InDelta(t, 92.0, sys.GetRttStandardPercent(), 0)
	// Discharged in the period: J1 (£30 physio), J5 (£725 rehab), J6 (£180 stop smoking):
	// 3 journeys costing 3000 + 72500 + 18000 = 93500 pence, 31166p (£311.66) each.
	require.EqualValues(t, 3, sys.GetCompletedJourneys())
	require.EqualValues(t, 93500, sys.GetCompletedJourneyCostPence())
	// No finance service configured: budget used is not available, and says why.
	require.False(t, sys.GetBudget().GetAvailable())
	require.Contains(t, sys.GetBudget().GetReason(), "not available")

	// Interventions by type and provider: physio NZX01 scheduled for J1 (10 Jan) and J3 (1 Feb),
	// completed once (J1, £30), missed once (J3); pulmonary rehab scheduled and completed once
	// (£725); stop smoking completed once (£180), its booking not in the fixture.
	want := []*dashboardv1.InterventionCount{
		{Code: "physio", Provider: "NZX01", Scheduled: 2, Completed: 1, DidNotAttend: 1, CostPence: 3000},
		{Code: "pulmonary-rehab", Provider: "NZX01", Scheduled: 1, Completed: 1, CostPence: 72500},
		{Code: "stop-smoking", Provider: "8ZX01", Completed: 1, CostPence: 18000},
	}
	require.Len(t, sys.GetInterventions(), len(want))
	for i := range want {
		require.True(t, proto.Equal(want[i], sys.GetInterventions()[i]), "got %v want %v", sys.GetInterventions()[i], want[i])
	}

	// Trend lines by month.
	// Referrals: Jan J1 J2 J7 = 3; Feb J5 J6 = 2; Mar J4 = 1.
	// Triage: Jan J1 on time, J2 late = 1/2; Feb J5, J6 = 2/2; Mar none.
	// RTT at 1 Feb 00:00 GMT: J2 (22 days) and J3 (122.5 days) within = 2/2; at 1 Mar: J2 within,
	// J3 (150.5 days) over = 1/2; at 1 Apr (BST): J2, J4 within, J3 over = 2/3.
	// Waiting for triage at the month ends: 0, 0, 1 (J4). Completed: Jan 0, Feb 0, Mar 3.
	months := []*dashboardv1.SystemMonth{
		{Month: "2026-01", ReferralsReceived: 3, TriageWithinSla: share(1, 2), RttWithin_18Weeks: share(2, 2)},
		{Month: "2026-02", ReferralsReceived: 2, TriageWithinSla: share(2, 2), RttWithin_18Weeks: share(1, 2)},
		{Month: "2026-03", ReferralsReceived: 1, TriageWithinSla: share(0, 0), RttWithin_18Weeks: share(2, 3), WaitingForTriage: 1, CompletedJourneys: 3},
	}
	require.Len(t, sys.GetMonths(), 3)
	for i := range months {
		require.True(t, proto.Equal(months[i], sys.GetMonths()[i]), "got %v want %v", sys.GetMonths()[i], months[i])
	}
}

func TestPopulationFiguresMatchTheHandComputedFixture(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	pop := svc.population(t, q1)

	// MSK-HQ (higher is better, MIC 6): J1 20 -> 30 (+10, reaches the MIC), J2 30 -> 34 (+4,
	// improved but short of the MIC). Means 25 -> 32, change +7; MIC 1/2; improved 2/2.
	msk := measure(t, pop, "msk", "msk-hq")
	require.EqualValues(t, 2, msk.GetJourneys())
	require.InDelta(t, 25, msk.GetMeanBaseline(), 1e-9)
	require.InDelta(t, 32, msk.GetMeanLatest(), 1e-9)
	require.InDelta(t, 7, msk.GetMeanChange(), 1e-9)
	require.True(t, msk.GetHasMic())
	require.InDelta(t, 6, msk.GetMic(), 0)
	require.True(t, proto.Equal(share(1, 2), msk.GetReachedMic()))
	require.True(t, proto.Equal(share(2, 2), msk.GetImproved()))

	// EQ-5D-5L index: J1 0.5 -> 0.7 (+0.2); the pathway sets no MIC, so no MIC share.
	eq := measure(t, pop, "msk", "eq5d5l-index")
	require.EqualValues(t, 1, eq.GetJourneys())
	require.InDelta(t, 0.2, eq.GetMeanChange(), 1e-9)
	require.False(t, eq.GetHasMic())
	require.True(t, proto.Equal(share(0, 0), eq.GetReachedMic()))

	// CAT (lower is better, MIC 2): J5 20 -> 17 (-3: improves by 3, reaches the MIC), J6 25 -> 26
	// (+1: worse). Means 22.5 -> 21.5, change -1; MIC 1/2; improved 1/2.
	cat := measure(t, pop, "copd", "cat")
	require.True(t, cat.GetLowerIsBetter())
	require.EqualValues(t, 2, cat.GetJourneys())
	require.InDelta(t, 22.5, cat.GetMeanBaseline(), 1e-9)
	require.InDelta(t, -1, cat.GetMeanChange(), 1e-9)
	require.True(t, proto.Equal(share(1, 2), cat.GetReachedMic()))
	require.True(t, proto.Equal(share(1, 2), cat.GetImproved()))

	// MRC dyspnoea on "MRC 1-5": J5 4 -> 3 counts (lower is better: improved 1/1); J6's scores on
	// mMRC 0-4 are never compared with MRC 1-5 and are left out.
	mrc := measure(t, pop, "copd", "mrc-dyspnoea")
	require.Equal(t, "MRC 1-5", mrc.GetScale())
	require.EqualValues(t, 1, mrc.GetJourneys())
	require.InDelta(t, -1, mrc.GetMeanChange(), 1e-9)
	require.True(t, proto.Equal(share(1, 1), mrc.GetImproved()))

	// Patient-defined outcomes of the pathway versions.
	// COPD "Spending more time at home" (days at home): J5 70 -> 85, improved 1/1.
	home := patientOutcome(t, pop, "copd", "time-at-home")
	require.Equal(t, "Spending more time at home", home.GetStatement())
	require.True(t, home.GetWithBaseline())
	require.EqualValues(t, 1, home.GetJourneys())
	require.InDelta(t, 70, home.GetMeanBaseline(), 1e-9)
	require.InDelta(t, 85, home.GetMeanLatest(), 1e-9)
	require.True(t, proto.Equal(share(1, 1), home.GetImproved()))
	// MSK "Feeling supported" is only taken at discharge: J1 scored 8, no baseline to compare.
	supported := patientOutcome(t, pop, "msk", "feeling-supported")
	require.False(t, supported.GetWithBaseline())
	require.EqualValues(t, 1, supported.GetJourneys())
	require.InDelta(t, 8, supported.GetMeanLatest(), 1e-9)

	// COPD readmissions within 30 and 90 days: windows from the pathway version (checked by hand
	// in readmissions_test.go).
	require.Equal(t, []int32{30, 90}, pop.GetReadmissions().GetWindowsDays())
	require.True(t, pop.GetReadmissions().GetAvailable())
}

func TestFiguresFilteredByPCNAndSegment(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, sevenJourneys())
	f := &dashboardv1.Filter{PcnOdsCode: pcn1, Segment: ltc, FromMonth: "2026-01", ToMonth: "2026-03"}
	sys := svc.system(t, f)
	// U12345 long-term conditions: J1, J2, J4, J5.
	require.EqualValues(t, 4, sys.GetReferralsReceived())
	require.EqualValues(t, 1, sys.GetWaitingForTriage())                   // J4
	require.True(t, proto.Equal(share(2, 3), sys.GetTriageWithinSla()))    // J1, J5 on time; J2 late
	require.True(t, proto.Equal(share(2, 2), sys.GetRttWithin_18Weeks()))  // J2, J4
	require.EqualValues(t, 2, sys.GetCompletedJourneys())                  // J1, J5
	require.EqualValues(t, 3000+72500, sys.GetCompletedJourneyCostPence()) // £755
	require.Contains(t, sys.GetBudget().GetScope(), "not split by PCN or segment")

	pop := svc.population(t, f)
	cat := measure(t, pop, "copd", "cat") // J5 only: -3, reaches the MIC
	require.EqualValues(t, 1, cat.GetJourneys())
	require.InDelta(t, -3, cat.GetMeanChange(), 1e-9)
	require.True(t, proto.Equal(share(1, 1), cat.GetReachedMic()))

	copd := svc.system(t, &dashboardv1.Filter{PathwayId: "copd", FromMonth: "2026-01", ToMonth: "2026-03"})
	require.EqualValues(t, 2, copd.GetReferralsReceived())                 // J5, J6
	require.True(t, proto.Equal(share(0, 0), copd.GetRttWithin_18Weeks())) // no COPD clock ran
}

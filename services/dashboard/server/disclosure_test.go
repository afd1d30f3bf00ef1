package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
)

// thirtySix is the disclosure fixture: 36 MSK journeys of PCN U12345, all times 12:00 UTC.
//
//	January   20 referred (2-21 Jan), each triaged on time the next day
//	February  13 referred (2-14 Feb), each triaged on time the next day
//	March      3 referred (2-4 Mar); the first two triaged on time the next day, one waiting
//
// Referrals by month 20, 13, 3 (period 36). For a board member the 3 is suppressed and, since
// 36 - 20 - 13 would give it back, so is the next-smallest month, February's 13; the 20 and the
// 36 are rounded to fives: 20 and 35. Triage within SLA: January 20 of 20, February 13 of 13,
// March 2 of 2, the period 35 of 35. March's base, 2, is suppressed, so its count and
// percentage are too; the period total 35 would give March's 2 back from 20 and 13, so
// February's share (13 of 13) is suppressed as well (the next-smallest of the totals and of the
// counts). Waiting for triage at the end of March: 1, suppressed.
func thirtySix() *fixture {
	f := newFixture()
	for i, n := range []int{20, 13, 3} {
		for d := range n {
			j := f.referral(fmt.Sprintf("m%d-%02d", i+1, d), "msk", pcn1, ltc, at(2026, monthOf(i), 2+d))
			if i < 2 || d < 2 {
				f.triage(j, at(2026, monthOf(i), 3+d), false)
			}
		}
	}
	return f
}

func monthOf(i int) time.Month { return time.Month(1 + i) }

var msk = &dashboardv1.Filter{PathwayId: "msk", FromMonth: "2026-01", ToMonth: "2026-03"}

// suppressedShare is a share whose count, total and percentage are withheld.
func suppressedShare() *dashboardv1.Share {
	return &dashboardv1.Share{CountSuppressed: true, TotalSuppressed: true}
}

func TestQueryAPIAnswersABoardMemberUnderTheDisclosureRule(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, thirtySix())
	svc.token = svc.board
	sys := svc.system(t, msk)

	require.True(t, sys.GetDisclosure().GetApplied())
	require.Equal(t, []int64{1, 7, 5}, []int64{sys.GetDisclosure().GetSuppressMin(), sys.GetDisclosure().GetSuppressMax(), sys.GetDisclosure().GetRoundingBase()})
	require.EqualValues(t, 35, sys.GetReferralsReceived(), "36 rounded to the nearest 5")
	require.False(t, sys.GetReferralsReceivedSuppressed())
	months := sys.GetMonths()
	require.Len(t, months, 3)
	require.EqualValues(t, 20, months[0].GetReferralsReceived())
	require.False(t, months[0].GetReferralsReceivedSuppressed())
	require.True(t, months[2].GetReferralsReceivedSuppressed(), "March's 3 is a small number")
	require.True(t, months[1].GetReferralsReceivedSuppressed(), "February's 13 too: 36 - 20 - 13 would give March's 3 back")
	require.Zero(t, months[1].GetReferralsReceived()+months[2].GetReferralsReceived(), "a suppressed count carries no number")
	require.True(t, sys.GetWaitingForTriageSuppressed(), "one waiting at the end of March")
	require.True(t, months[2].GetWaitingForTriageSuppressed())

	require.True(t, proto.Equal(suppressedShare(), months[2].GetTriageWithinSla()), "March's base of 2 is suppressed, and with it the percentage: %v", months[2].GetTriageWithinSla())
	require.True(t, proto.Equal(suppressedShare(), months[1].GetTriageWithinSla()), "February's share: the period's 35 would give March's 2 back: %v", months[1].GetTriageWithinSla())
	require.True(t, proto.Equal(share(20, 20), months[0].GetTriageWithinSla()), "%v", months[0].GetTriageWithinSla())
	require.True(t, proto.Equal(share(35, 35), sys.GetTriageWithinSla()), "%v", sys.GetTriageWithinSla())
}

func TestQueryAPIAnswersPatientLevelAccessExactly(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, thirtySix())
	auditor := identitytest.Shared().Token(t, identitytest.Person{Subject: "audit-1", Name: "Audrey Auditor", Roles: []string{access.Auditor}})
	for name, token := range map[string]string{"coordinator": svc.token, "auditor": auditor} {
		conn := svc.dial(t, svc.ca.Client(""), false, grpc.WithPerRPCCredentials(identity.Bearer{
			Token: func(context.Context) (string, error) { return token, nil }}))
		sys, err := dashboardv1.NewDashboardQueryServiceClient(conn).GetSystemFigures(t.Context(), &dashboardv1.GetSystemFiguresRequest{Filter: msk})
		if name == "auditor" && !slices.Contains(access.DashboardPolicy[getSystemFigures].Roles, access.Auditor) {
			// Auditors see exact counts once the access table lets them read the figures at all;
			// until then they are refused (services/platform/access: readFigures).
			require.Equal(t, codes.PermissionDenied, status.Code(err), "%v", err)
			continue
		}
		require.NoError(t, err, name)
		require.False(t, sys.GetDisclosure().GetApplied(), name)
		require.EqualValues(t, 36, sys.GetReferralsReceived(), name)
		got := []int64{sys.GetMonths()[0].GetReferralsReceived(), sys.GetMonths()[1].GetReferralsReceived(), sys.GetMonths()[2].GetReferralsReceived()}
		require.Equal(t, []int64{20, 13, 3}, got, name)
		require.EqualValues(t, 1, sys.GetWaitingForTriage(), name)
		require.True(t, proto.Equal(share(2, 2), sys.GetMonths()[2].GetTriageWithinSla()), name)
	}
}

const getSystemFigures = "/pathways.dashboard.v1.DashboardQueryService/GetSystemFigures"

func TestCSVExportFollowsTheDisclosureRule(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, thirtySix())
	code, body, _ := svc.getAs(t, "/export.csv?pathway=msk&from=2026-01&to=2026-03", svc.board)
	require.Equal(t, http.StatusOK, code, body)
	lines := strings.Split(body, "\n")
	for _, want := range []string{
		"system,referrals_received,,2026-01..2026-03,35,,,",
		"system,referrals_received,,2026-01,20,,,",
		"system,referrals_received,,2026-02,*,,,",
		"system,referrals_received,,2026-03,*,,,",
		"system,waiting_for_triage,,2026-03,*,,,",
		"system,triage_within_sla,,2026-03,,*,*,",
		"system,triage_within_sla,,2026-01,,20,20,100.0",
	} {
		require.Contains(t, lines, want)
	}
	require.Regexp(t, `(?m)^note,disclosure,,,"?To protect patients' privacy, counts from 1 to 7 are not shown`, body)

	_, exact, _ := svc.get(t, "/export.csv?pathway=msk&from=2026-01&to=2026-03") // the coordinator
	require.Contains(t, strings.Split(exact, "\n"), "system,referrals_received,,2026-03,3,,,")
	require.NotContains(t, exact, ",*,")

	out, err := svc.query.ExportFigures(t.Context(), &dashboardv1.ExportFiguresRequest{Filter: msk})
	require.NoError(t, err)
	require.Contains(t, string(out.GetCsv()), "system,referrals_received,,2026-03,3,,,", "the gRPC export as the coordinator")
}

func TestPageShowsSuppressedCountsAndSaysWhyInAFootnote(t *testing.T) {
	svc := startService(t, fixtureNow, nil)
	svc.load(t, thirtySix())
	code, html, _ := svc.getAs(t, "/?pathway=msk&from=2026-01&to=2026-03", svc.board)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "true", attr(t, html, "fig-waiting-for-triage", "data-suppressed"))
	require.Regexp(t, `id="fig-waiting-for-triage"[^>]*>.*?<span class="value"><abbr class="suppressed"[^>]*>\*</abbr></span>`, html)
	require.Regexp(t, `id="fig-referrals-received"[^>]*>.*?<span class="value">35</span>`, html)
	require.Regexp(t, `<tr data-month="2026-03"><th scope="row">2026-03</th><td><abbr class="suppressed"[^>]*>\*</abbr></td>`, html,
		"March's 3 referrals in the numbers behind the chart")
	note := regexp.MustCompile(`(?s)<p id="disclosure-note"[^>]*>(.*?)</p>`).FindStringSubmatch(html)
	require.Len(t, note, 2, "the footnote")
	require.Equal(t, "true", attr(t, html, "disclosure-note", "data-applied"))
	require.Contains(t, note[1], "counts from 1 to 7 are not shown")
	require.Contains(t, note[1], "rounded to the nearest 5")
	require.Contains(t, note[1], "from the true counts")

	_, exact, _ := svc.get(t, "/?pathway=msk&from=2026-01&to=2026-03") // the coordinator
	require.Equal(t, "false", attr(t, exact, "disclosure-note", "data-applied"))
	require.NotContains(t, exact, `class="suppressed"`)
	require.Contains(t, exact, `<tr data-month="2026-03"><th scope="row">2026-03</th><td>3</td>`)
	require.Contains(t, exact, "you have patient-level access")
}

func TestDisclosureRuleIsConfigured(t *testing.T) {
	svc := startService(t, fixtureNow, func(c *server.Config) {
		c.Disclosure = server.Disclosure{SuppressMin: 1, SuppressMax: 2, RoundTo: 1}
	})
	svc.load(t, thirtySix())
	svc.token = svc.board
	sys := svc.system(t, msk)
	require.EqualValues(t, 36, sys.GetReferralsReceived(), "not rounded")
	require.EqualValues(t, 3, sys.GetMonths()[2].GetReferralsReceived(), "3 is above the range 1-2")
	require.True(t, sys.GetWaitingForTriageSuppressed(), "1 is in it")
	require.True(t, sys.GetMonths()[2].GetTriageWithinSla().GetTotalSuppressed(), "so is March's base of 2")
	require.Contains(t, sys.GetDisclosure().GetNote(), "counts from 1 to 2 are not shown")
	require.NotContains(t, sys.GetDisclosure().GetNote(), "rounded")

	bad := server.DefaultConfig()
	bad.Disclosure = server.Disclosure{SuppressMin: 0, SuppressMax: 7, RoundTo: 0}
	err := bad.Validate()
	require.ErrorContains(t, err, "disclosure-suppress-min")
	require.ErrorContains(t, err, "disclosure-round-to")
}

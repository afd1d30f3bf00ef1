package server_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/telemetry"
)

func TestPositionStatementAndExport(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	oct := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
	for i, a := range []*financev1.RecordActivityRequest{
		activity("ref-1", 0, "RTG", "physio-f2f", 2_800, oct),
		activity("ref-1", 1, "RTG", "physio-f2f", 2_800, oct.Add(time.Hour)),
		activity("ref-2", 0, "RX1", "cats", 12_345, oct.Add(24*time.Hour)),
		activity("ref-3", 0, "RTG", "msk-mri", 20_000, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)),
	} {
		_, err := c.ingest.RecordActivity(t.Context(), a)
		require.NoError(t, err, i)
	}
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{
		ContractId: "msk-2026", AsOf: timestamppb.New(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	require.Equal(t, int64(37_945), pos.GetSpentPence())
	require.Equal(t, int64(15_000_000), pos.GetWithholdPence())
	require.Equal(t, int64(8*98_750_000), pos.GetAllocatedToDatePence())
	require.Equal(t, pos.GetAllocatedToDatePence()-37_945, pos.GetRemainingPence())
	require.EqualValues(t, 236, pos.GetDaysElapsed()) // 1 April to 22 November inclusive
	require.Equal(t, int64((37_945*365+118)/236), pos.GetForecastOutturnPence())
	require.Equal(t, int64(1_185_000_000)-pos.GetForecastOutturnPence(), pos.GetVariancePence())
	require.Equal(t, totals{"RTG": 25_600, "RX1": 12_345}, lineTotals(pos.GetByProvider()))
	require.Equal(t, totals{"physio-f2f": 5_600, "cats": 12_345, "msk-mri": 20_000}, lineTotals(pos.GetByIntervention()))
	require.Len(t, pos.GetByMonth(), 12)
	require.Equal(t, "2026-10", pos.GetByMonth()[6].GetKey())
	require.Equal(t, int64(17_945), pos.GetByMonth()[6].GetSpentPence())
	require.Equal(t, int64(98_750_000), pos.GetByMonth()[6].GetAllocatedPence())

	st, err := c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: "RTG", Month: "2026-10"})
	require.NoError(t, err)
	require.Equal(t, int64(5_600), st.GetTotalPence())
	require.Len(t, st.GetLines(), 1)
	require.EqualValues(t, 2, st.GetLines()[0].GetActivities())
	_, err = c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: "RTG", Month: "2027-04"})
	require.Contains(t, violations(t, err)["month"], "outside contract year 2026")

	exp, err := c.finance.ExportMonth(reader(t.Context()), &financev1.ExportMonthRequest{ContractId: "msk-2026", Month: "2026-10"})
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(exp.GetCsv()))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	require.Equal(t, "unit_price_pence", rows[0][9])
	require.Equal(t, []string{"2800", "28.00"}, rows[1][9:])
	require.Equal(t, []string{"12345", "123.45"}, rows[3][9:])

	rita := &identitytest.Person{Subject: "rita", Name: "rita", Roles: []string{access.FinanceReader}}
	code, body := c.get(t, "/export.csv?contract=msk-2026&month=2026-10", rita)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, string(exp.GetCsv()), body)
	code, body = c.get(t, "/export.csv?contract=msk-2026&month=October", rita)
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body, "month: must be YYYY-MM")
	code, _ = c.get(t, "/export.csv?contract=copd-2026&month=2026-10", rita)
	require.Equal(t, http.StatusNotFound, code)
}

func outcome(journey, point string, hq float64, at time.Time) *financev1.RecordOutcomeRequest {
	return &financev1.RecordOutcomeRequest{
		EventId: events.EventID("journey", journey, point).String(), JourneyId: journey, CollectionPoint: point,
		Pathway:    &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		Measures:   []*journeyv1.Measure{{Code: "msk-hq", Value: hq, Scale: "MSK-HQ 0-56"}},
		OccurredAt: timestamppb.New(at),
	}
}

func TestOutcomeIncentiveSettlesOnce(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	for _, o := range []*financev1.RecordOutcomeRequest{
		outcome("ref-1", "baseline", 20, at), outcome("ref-1", "discharge", 30, at.Add(30*24*time.Hour)), // +10
		outcome("ref-2", "baseline", 20, at), outcome("ref-2", "discharge", 27, at.Add(30*24*time.Hour)), // +7
		outcome("ref-3", "baseline", 20, at), outcome("ref-3", "discharge", 22, at.Add(30*24*time.Hour)), // +2
	} {
		_, err := c.ingest.RecordOutcome(t.Context(), o)
		require.NoError(t, err)
	}
	dup, err := c.ingest.RecordOutcome(t.Context(), outcome("ref-3", "discharge", 22, at.Add(30*24*time.Hour)))
	require.NoError(t, err)
	require.True(t, dup.GetDuplicate())

	_, err = c.finance.SettleOutcomeIncentive(reader(t.Context()), &financev1.SettleOutcomeIncentiveRequest{ContractId: "msk-2026"})
	requireCode(t, err, codes.PermissionDenied, "finance-admin")
	got, err := c.finance.SettleOutcomeIncentive(admin(t.Context()), &financev1.SettleOutcomeIncentiveRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	// 2 of 3 journeys improved by >= 6 points: 6666bp >= 6000bp, so the whole £150,000 withhold is earned.
	require.Equal(t, int64(15_000_000), got.GetEarnedPence())
	require.EqualValues(t, 6666, got.GetOutcomes()[0].GetAchievedBp())
	_, err = c.finance.SettleOutcomeIncentive(admin(t.Context()), &financev1.SettleOutcomeIncentiveRequest{ContractId: "msk-2026"})
	requireCode(t, err, codes.FailedPrecondition, "already settled")

	log := &feedLog{}
	require.NoError(t, follow(t.Context(), t, c, log, func() bool {
		return log.count(func(e *financev1.CapitationEvent) bool { return e.GetOutcomeIncentiveEarned() != nil }) == 1
	}))
	last := log.events[len(log.events)-1].GetEvent().GetOutcomeIncentiveEarned()
	require.Equal(t, int64(15_000_000), last.GetOutcome().GetEarnedPence())
}

func TestConflictingDuplicateIsCounted(t *testing.T) {
	shutdown, err := telemetry.Setup(t.Context(), telemetry.Config{ServiceName: "finance"}) // what /metrics serves
	require.NoError(t, err)
	t.Cleanup(func() { _ = shutdown.Within(t.Context(), 5*time.Second) })
	_, c := start(t, testConfig(t, ""))
	createContract(t, c, mskTerms())
	a := activity("ref-1", 0, "RTG", "cats", 12_345, now)
	first, err := c.ingest.RecordActivity(t.Context(), a)
	require.NoError(t, err)
	require.False(t, first.GetDuplicate())
	again, err := c.ingest.RecordActivity(t.Context(), a)
	require.NoError(t, err)
	require.True(t, again.GetDuplicate())
	a.Provider = "RX1"
	_, err = c.ingest.RecordActivity(t.Context(), a)
	requireCode(t, err, codes.AlreadyExists, a.GetEventId())

	body := c.scrape(t)
	require.Regexp(t, `(?m)^finance_ingest_conflicts_total\{kind="activity",otel_scope_name="[^"]+/finance"[^}]*\} 1$`, body)
	require.Regexp(t, `(?m)^finance_ingest_events_total\{duplicate="true",kind="activity",[^}]*\} 1$`, body)
	_, err = c.finance.GetContract(t.Context(), &financev1.GetContractRequest{ContractId: "msk-2026"})
	requireCode(t, err, codes.Unauthenticated, "bearer access token")
}

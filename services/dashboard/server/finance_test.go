package server_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	finance "github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// TestBudgetUsedComesFromTheFinanceService runs the real finance service with an MSK contract
// for 2025/26 and one charged physiotherapy session, and reads budget used on the dashboard.
func TestBudgetUsedComesFromTheFinanceService(t *testing.T) {
	fcfg := finance.DefaultConfig()
	fcfg.Listen, fcfg.EventStoreURL, fcfg.LedgerPath = "127.0.0.1:0", "", filepath.Join(t.TempDir(), "finance.db")
	fcfg.Now = func() time.Time { return fixtureNow }
	fin, err := finance.Start(t.Context(), fcfg)
	require.NoError(t, err)
	t.Cleanup(fin.Close)
	conn, err := grpc.NewClient(fin.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	admin := metadata.AppendToOutgoingContext(t.Context(), "x-actor", "fiona", "x-roles", "finance-admin")
	_, err = financev1.NewFinanceServiceClient(conn).CreateContract(admin, &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: 2025, AnnualBudgetPence: 120_000_000, Population: 300000, Currency: "GBP",
		UnitPrices: []*financev1.InterventionPrice{{InterventionCode: "physio", UnitPricePence: 3000}}}})
	require.NoError(t, err)
	_, err = financev1.NewFinanceIngestServiceClient(conn).RecordActivity(t.Context(), &financev1.RecordActivityRequest{
		EventId: "5b0c43f2-8f0e-4a36-9a4c-6a3f8f5d2a11", JourneyId: "j1", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		InterventionId: "iv1", InterventionCode: "physio", Provider: "NZX01", UnitPricePence: 3000, OccurredAt: ts(at(2026, 1, 20)),
		PcnOdsCode: pcn1, Segment: ltc})
	require.NoError(t, err)
	want, err := financev1.NewFinanceServiceClient(conn).GetBudgetPosition(admin, &financev1.GetBudgetPositionRequest{ContractId: "msk-2025"})
	require.NoError(t, err)

	// This finance service runs its interim plaintext identity: the dashboard calls it -insecure.
	svc := startService(t, fixtureNow, func(c *server.Config) { c.FinanceAddr, c.Security = fin.Addr(), secure.Insecure() })
	svc.load(t, sevenJourneys())
	b := svc.system(t, q1).GetBudget() // period Jan-Mar 2026: contract year 2025/26
	require.True(t, b.GetAvailable(), b.GetReason())
	require.Equal(t, []string{"msk-2025"}, b.GetContractIds(), "copd has no contract and is left out")
	require.EqualValues(t, 3000, b.GetSpentPence())
	require.Equal(t, want.GetAllocatedToDatePence(), b.GetAllocatedToDatePence())
	require.EqualValues(t, 120_000_000, b.GetAnnualBudgetPence())

	// A year finance holds no contract for says so.
	later := svc.system(t, &dashboardv1.Filter{FromMonth: "2026-04", ToMonth: "2026-04"})
	require.False(t, later.GetBudget().GetAvailable())
	require.Contains(t, later.GetBudget().GetReason(), "no contract for contract year 2026")
}

package server_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/services/dashboard/server"
	finance "github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/devca"
	"github.com/nhs-pathways/pathways/services/platform/devca/devcatest"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// startFinance runs the real finance service with its certificate of ca, tokens of the shared
// test issuer and its access table, and a client to it: a finance administrator's token over
// TLS (services: the journey worker's certificate for ingest).
func startFinance(t *testing.T, ca *devca.Bundle) (*finance.Server, func(tlsconf.Client) *grpc.ClientConn) {
	t.Helper()
	fcfg := finance.DefaultConfig()
	fcfg.Listen, fcfg.HTTPListen, fcfg.EventStoreURL, fcfg.Ledger = "127.0.0.1:0", "", "", filepath.Join(t.TempDir(), "finance.db")
	fcfg.Now = func() time.Time { return fixtureNow }
	fcfg.Security.TLS, fcfg.Security.OIDC = ca.Settings("finance"), identitytest.Shared().Config()
	fin, err := finance.Start(t.Context(), fcfg)
	require.NoError(t, err)
	t.Cleanup(fin.Close)
	return fin, func(c tlsconf.Client) *grpc.ClientConn {
		creds, err := c.DialOption()
		require.NoError(t, err)
		conn, err := grpc.NewClient(fin.Addr(), creds)
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		return conn
	}
}

// TestBudgetUsedComesFromTheFinanceService runs the real finance service with an MSK contract
// for 2025/26 and one charged physiotherapy session, and reads budget used on the dashboard,
// which calls finance over mutual TLS with its own certificate (finance's access table admits
// the "dashboard" service to GetBudgetPosition). With another service's certificate finance
// refuses it and the figure says "not available".
func TestBudgetUsedComesFromTheFinanceService(t *testing.T) {
	ca := devcatest.New(t, "dashboard", "worker", "finance", "prometheus")
	fin, dial := startFinance(t, ca)
	people := dial(ca.Client(""))
	admin := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+identitytest.Shared().Token(t,
		identitytest.Person{Subject: "fiona", Name: "Fiona", Roles: []string{access.FinanceAdmin}}))
	_, err := financev1.NewFinanceServiceClient(people).CreateContract(admin, &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: 2025, AnnualBudgetPence: 120_000_000, Population: 300000, Currency: "GBP",
		UnitPrices: []*financev1.InterventionPrice{{InterventionCode: "physio", UnitPricePence: 3000}}}})
	require.NoError(t, err)
	_, err = financev1.NewFinanceIngestServiceClient(dial(ca.Client("worker"))).RecordActivity(t.Context(), &financev1.RecordActivityRequest{
		EventId: "5b0c43f2-8f0e-4a36-9a4c-6a3f8f5d2a11", JourneyId: "j1", Pathway: &journeyv1.PathwayRef{PathwayId: "msk", Version: 1},
		InterventionId: "iv1", InterventionCode: "physio", Provider: "NZX01", UnitPricePence: 3000, OccurredAt: ts(at(2026, 1, 20)),
		PcnOdsCode: pcn1, Segment: ltc})
	require.NoError(t, err)
	want, err := financev1.NewFinanceServiceClient(people).GetBudgetPosition(admin, &financev1.GetBudgetPositionRequest{ContractId: "msk-2025"})
	require.NoError(t, err)

	svc := startServiceWith(t, fixtureNow, setup{ca: ca}, func(c *server.Config) { c.FinanceAddr = fin.Addr() })
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

	// Presenting the worker's certificate instead, the dashboard is refused by finance's table.
	other := startServiceWith(t, fixtureNow, setup{ca: ca}, func(c *server.Config) {
		c.FinanceAddr, c.FinanceTLS = fin.Addr(), tlsconf.Client{CertFile: ca.Cert("worker"), KeyFile: ca.Key("worker")}
	})
	other.load(t, sevenJourneys())
	refused := other.system(t, q1).GetBudget()
	require.False(t, refused.GetAvailable())
	require.Contains(t, refused.GetReason(), "the finance service did not answer")
}

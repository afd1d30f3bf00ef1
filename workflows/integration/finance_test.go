package integration

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/secure"
	"github.com/nhs-pathways/pathways/workflows/journey"
)

// realFinance is the finance service itself (SQLite ledger in a temp dir, no relay).
type realFinance struct {
	ingest  financev1.FinanceIngestServiceClient
	finance financev1.FinanceServiceClient
}

func startFinance(t *testing.T) realFinance {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.EventStoreURL = "127.0.0.1:0", ""
	cfg.Ledger = filepath.Join(t.TempDir(), "finance.db")
	cfg.Security = secure.Insecure() // the workflow's pushes are under test here, not identity (finance's own tests cover it)
	srv, err := server.Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return realFinance{financev1.NewFinanceIngestServiceClient(conn), financev1.NewFinanceServiceClient(conn)}
}

func financeAs(ctx context.Context, role string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "x-actor", "finance-test", "x-roles", role)
}

// contractYear is the NHS contract year (April to March) of t.
func contractYear(t time.Time) int32 {
	if t.Month() < time.April {
		return int32(t.Year() - 1)
	}
	return int32(t.Year())
}

// An MSK journey whose MSK-HQ improves from 30 at triage to 46 at discharge earns the outcome
// incentive on the real finance service: triage now sends the baseline, so finance measures the
// improvement (before, finance had no baseline and the incentive stayed at £0).
func TestOutcomeIncentiveIsEarnedFromTheTriageBaseline(t *testing.T) {
	fin := startFinance(t)
	created, err := fin.finance.CreateContract(financeAs(t.Context(), "finance-admin"), &financev1.CreateContractRequest{Terms: &financev1.ContractTerms{
		PathwayId: "msk", ContractYear: contractYear(time.Now()), AnnualBudgetPence: 1_200_000_000, Population: 300_000, Currency: "GBP",
		WithholdBp: 125,
		OutcomeTargets: []*financev1.OutcomeTarget{{TargetId: "msk-hq-mic", MeasureCode: "msk-hq",
			Rule: financev1.OutcomeRule_OUTCOME_RULE_IMPROVEMENT, MinChange: 6, TargetShareBp: 6000, WeightBp: 10000}},
	}})
	require.NoError(t, err)
	contractID := created.GetContract().GetContractId()

	s := newStack(t, withFinance(fin.ingest))
	ref := referral("R-INCENTIVE-1", "msk")
	id := journey.JourneyID(ref.ReferralID)
	run := s.start(t, ref)
	baseline := []journey.Score{{Measure: "msk-hq", Value: 30}, {Measure: "eq5d5l-index", Value: 0.61}, {Measure: "eq-vas", Value: 60}}
	discharge := []journey.Score{{Measure: "msk-hq", Value: 46}, {Measure: "eq5d5l-index", Value: 0.85}, {Measure: "eq-vas", Value: 82}}
	s.update(t, id, journey.UpdateTriage, "triage", journey.TriageRequest{Disposition: "physio-face-to-face", Baseline: baseline, RequestedBy: nurse})
	s.update(t, id, journey.UpdateRecordOutcome, "outcome-discharge", journey.OutcomeRequest{CollectionPoint: journey.CollectionDischarge, Measures: discharge, RequestedBy: nurse})

	var status *financev1.OutcomeStatus
	require.Eventually(t, func() bool {
		pos, err := fin.finance.GetBudgetPosition(financeAs(t.Context(), "finance-reader"), &financev1.GetBudgetPositionRequest{ContractId: contractID})
		if err != nil || len(pos.GetOutcomes()) != 1 {
			return false
		}
		status = pos.GetOutcomes()[0]
		return status.GetJourneysMeasured() == 1
	}, 30*time.Second, 50*time.Millisecond, "finance never measured the journey against its baseline")
	require.EqualValues(t, 1, status.GetJourneysMet())
	require.EqualValues(t, 10000, status.GetAchievedBp())
	require.Positive(t, status.GetEarnedPence())
	require.Equal(t, status.GetAvailablePence(), status.GetEarnedPence(), "the whole withhold is earned back")

	s.update(t, id, journey.UpdateCancel, "cancel", journey.CancelRequest{Reason: "other", RequestedBy: nurse})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, run.Get(ctx, nil))
}

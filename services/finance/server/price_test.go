package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// TestIngestBooksTheContractPriceNotTheStatedOne: over gRPC, an activity stating the contract's
// price, none, a far higher one or a penny is booked at the contract's agreed unit price: the
// position, the provider's statement and the feed all show it. An intervention the contract
// agrees no price for is refused with FAILED_PRECONDITION (which the journey worker retries) and
// changes nothing, until an amendment agrees a price: then the same request books that price.
func TestIngestBooksTheContractPriceNotTheStatedOne(t *testing.T) {
	_, c := start(t, testConfig(t, ""))
	created := createContract(t, c, mskTerms())
	require.True(t, proto.Equal(&financev1.ContractTerms{UnitPrices: unitPrices(mskPrices)},
		&financev1.ContractTerms{UnitPrices: created.GetTerms().GetUnitPrices()}), "the contract keeps its prices")

	at := now.Add(-24 * time.Hour)
	for i, stated := range []int64{2_800, 0, 100_000_000, 1} { // physio-f2f is agreed at 2,800
		_, err := c.ingest.RecordActivity(t.Context(), activity("ref-1", i, "RTG", "physio-f2f", stated, at))
		require.NoError(t, err, "stating %d", stated)
	}
	requireSpent(t, c, 4*2_800)
	st, err := c.finance.GetProviderStatement(reader(t.Context()), &financev1.GetProviderStatementRequest{ContractId: "msk-2026", Provider: "RTG"})
	require.NoError(t, err)
	require.EqualValues(t, 4*2_800, st.GetTotalPence())
	feed := readFeed(t, c, 4)
	costed, payable := feedTotals(feed.events)
	require.Equal(t, totals{"RTG": 4 * 2_800}, costed.byProvider)
	require.Equal(t, totals{"RTG": 4 * 2_800}, payable.byProvider)

	hydro := activity("ref-2", 0, "RTG", "hydrotherapy", 5_000, at)
	_, err = c.ingest.RecordActivity(t.Context(), hydro)
	requireCode(t, err, codes.FailedPrecondition, `contract msk-2026 agrees no unit price for intervention code "hydrotherapy"`)
	require.True(t, proto.Equal(&errdetails.ErrorInfo{Reason: "NO_AGREED_UNIT_PRICE", Domain: "pathways.finance",
		Metadata: map[string]string{"contract_id": "msk-2026", "intervention_code": "hydrotherapy"}}, errorInfo(t, err)), "%v", err)
	requireSpent(t, c, 4*2_800)

	terms := mskTerms()
	terms.UnitPrices = append(terms.UnitPrices, &financev1.InterventionPrice{InterventionCode: "hydrotherapy", UnitPricePence: 4_000})
	_, err = c.finance.AmendContract(admin(t.Context()), &financev1.AmendContractRequest{ContractId: "msk-2026", Terms: terms, Reason: "hydrotherapy agreed"})
	require.NoError(t, err)
	got, err := c.ingest.RecordActivity(t.Context(), hydro)
	require.NoError(t, err)
	require.False(t, got.GetDuplicate(), "the refused request had recorded nothing")
	requireSpent(t, c, 4*2_800+4_000)
}

func requireSpent(t *testing.T, c client, want int64) {
	t.Helper()
	pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"})
	require.NoError(t, err)
	require.Equal(t, want, pos.GetSpentPence())
}

// errorInfo returns the ErrorInfo of a status error.
func errorInfo(t *testing.T, err error) *errdetails.ErrorInfo {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	t.Fatalf("no ErrorInfo in %v", err)
	return nil
}

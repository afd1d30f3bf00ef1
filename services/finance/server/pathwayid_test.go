package server_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
)

// TestAHyphenatedPathwayGetsItsOwnContract: "msk-spinal" (a pathway id governance publishes)
// gets a contract "msk-spinal-2026" beside "msk-2026", and each activity is charged to its own
// pathway's contract; its capitation events are relayed to the stream "financecontract-msk-spinal-2026".
func TestAHyphenatedPathwayGetsItsOwnContract(t *testing.T) {
	url := startStore(t)
	_, c := start(t, testConfig(t, url))
	createContract(t, c, mskTerms())
	spinal := mskTerms()
	spinal.PathwayId = "msk-spinal"
	spinal.UnitPrices = unitPrices(map[string]int64{"physio-f2f": 3_100})
	got := createContract(t, c, spinal)
	require.Equal(t, "msk-spinal-2026", got.GetContractId())

	at := now.Add(-24 * time.Hour)
	a := activity("ref-spinal", 0, "RTG", "physio-f2f", 2800, at)
	a.Pathway.PathwayId = "msk-spinal"
	_, err := c.ingest.RecordActivity(t.Context(), a)
	require.NoError(t, err)
	_, err = c.ingest.RecordActivity(t.Context(), activity("ref-msk", 0, "RTG", "physio-f2f", 3100, at))
	require.NoError(t, err)

	for id, spent := range map[string]int64{"msk-spinal-2026": 3100, "msk-2026": 2800} { // each contract's own price
		pos, err := c.finance.GetBudgetPosition(reader(t.Context()), &financev1.GetBudgetPositionRequest{ContractId: id})
		require.NoError(t, err)
		require.Equal(t, spent, pos.GetSpentPence(), id)
	}

	j, err := events.Open(t.Context(), url)
	require.NoError(t, err)
	defer func() { _ = j.Close() }()
	eventually(t, 30*time.Second, func() bool {
		stored, err := j.ReadStream(t.Context(), "financecontract-msk-spinal-2026")
		if err != nil {
			return false
		}
		for _, r := range stored {
			if a, ok := r.Payload.(*financev1.ActivityCosted); ok && a.GetContractId() == "msk-spinal-2026" && a.GetUnitPricePence() == 3100 {
				return true
			}
		}
		return false
	}, "the relay stores the spinal contract's charge in its own stream")
}

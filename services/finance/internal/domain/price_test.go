package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// TestAgreedUnitPrices: a contract books the price its terms agree for a code; a code without one
// is a FailedPrecondition naming the contract and the code; bad price lists are refused field by
// field.
func TestAgreedUnitPrices(t *testing.T) {
	c := domain.Contract{ID: "msk-2026", Terms: terms()}
	c.Terms.Prices = []domain.InterventionPrice{{Code: "physio-f2f", Pence: 4_500}, {Code: "msk-mri", Pence: 100_000}}
	require.NoError(t, c.Terms.Validate())
	price, err := c.AgreedPrice("msk-mri")
	require.NoError(t, err)
	require.EqualValues(t, 100_000, price)

	_, err = c.AgreedPrice("pain-clinic")
	var fe *fault.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, domain.KindFailedPrecondition, fe.Kind)
	require.Contains(t, fe.Message, `contract msk-2026 agrees no unit price for intervention code "pain-clinic"`)
	require.Equal(t, domain.ReasonNoAgreedUnitPrice, fe.Info.Reason)
	require.Equal(t, map[string]string{"contract_id": "msk-2026", "intervention_code": "pain-clinic"}, fe.Info.Metadata)

	bad := terms()
	bad.Prices = []domain.InterventionPrice{{Code: "cats", Pence: 0}, {Code: "", Pence: 10}, {Code: "cats", Pence: 12},
		{Code: "mri", Pence: domain.MaxPricePence + 1}, {Code: "ok", Pence: domain.MaxPricePence}}
	require.Equal(t, []domain.Violation{
		{Field: "terms.unit_prices[0].unit_price_pence", Description: "must be more than 0 and at most 100000000 pence, not 0"},
		{Field: "terms.unit_prices[1].intervention_code", Description: "is required"},
		{Field: "terms.unit_prices[2].intervention_code", Description: `"cats" already has a price in unit_prices`},
		{Field: "terms.unit_prices[3].unit_price_pence", Description: "must be more than 0 and at most 100000000 pence, not 100000001"},
	}, violationsOf(t, bad.Validate()))
}

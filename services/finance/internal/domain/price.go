package domain

import (
	"fmt"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// ReasonNoAgreedUnitPrice is the ErrorInfo reason of an activity refused because its contract
// agrees no unit price for its intervention code.
const ReasonNoAgreedUnitPrice = "NO_AGREED_UNIT_PRICE"

// InterventionPrice is the price a contract agrees for one unit of an intervention.
type InterventionPrice struct {
	Code  string // the intervention's catalogue code, as the pathway versions name it
	Pence int64
}

// UnitPrice returns the price the terms agree for an intervention code; false when they agree
// none. Ingest books this price, never one a caller states.
func (t Terms) UnitPrice(code string) (int64, bool) {
	for _, p := range t.Prices {
		if p.Code == code {
			return p.Pence, true
		}
	}
	return 0, false
}

// AgreedPrice returns the unit price the contract agrees for an intervention code. Without one it
// is a FailedPrecondition (reason ReasonNoAgreedUnitPrice, naming the contract and the code): an
// amendment adding the price lets the same activity be charged.
func (c Contract) AgreedPrice(code string) (int64, error) {
	if price, ok := c.Terms.UnitPrice(code); ok {
		return price, nil
	}
	err := fault.New(KindFailedPrecondition,
		"contract %s agrees no unit price for intervention code %q: add it to the contract's unit_prices (AmendContract), then the activity can be charged",
		c.ID, code)
	return 0, err.With(fault.Info{Reason: ReasonNoAgreedUnitPrice, Domain: "pathways.finance",
		Metadata: map[string]string{"contract_id": c.ID, "intervention_code": code}})
}

// validatePrices checks the agreed prices: each code given once, each price more than 0 and at
// most MaxPricePence.
func validatePrices(vs *Violations, ps []InterventionPrice) {
	seen := map[string]bool{}
	for i, p := range ps {
		field := fmt.Sprintf("terms.unit_prices[%d]", i)
		requireID(vs, field+".intervention_code", p.Code)
		if seen[p.Code] && p.Code != "" {
			vs.Add(field+".intervention_code", "%q already has a price in unit_prices", p.Code)
		}
		seen[p.Code] = true
		if p.Pence <= 0 || p.Pence > MaxPricePence {
			vs.Add(field+".unit_price_pence", "must be more than 0 and at most %d pence, not %d", MaxPricePence, p.Pence)
		}
	}
}

package app

import (
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// booking is the price an activity is booked at, from the terms of its contract.
type booking struct {
	contract string
	price    int64
}

// agreedPrice returns the unit price contract c agrees for the activity's intervention code, the
// only price finance books. Without one the activity is refused with a FailedPrecondition, which
// the journey worker keeps and retries until an amendment adds the price: booking the price the
// caller states instead would let any caller set what a provider is paid.
func agreedPrice(c domain.Contract, act domain.Activity) (booking, error) {
	price, err := c.AgreedPrice(act.InterventionCode)
	return booking{contract: c.ID, price: price}, err
}

// reportStatedPrice logs (with the event ID, never patient data) an activity that stated a price
// other than the one booked: the caller's catalogue and the contract disagree, which the
// finance-admin may settle with an amendment. Nothing else comes of it.
func (a *App) reportStatedPrice(act domain.Activity, b booking) {
	if act.StatedPricePence == 0 || act.StatedPricePence == b.price {
		return
	}
	a.log.Warn("activity booked at the contract's unit price, not the price it stated",
		"event_id", act.EventID, "contract_id", b.contract, "intervention_code", act.InterventionCode,
		"stated_pence", act.StatedPricePence, "booked_pence", b.price)
}

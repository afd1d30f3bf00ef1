package app

import (
	"context"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// Settlement is what settling a contract's outcome incentive earned, target by target.
type Settlement struct {
	Outcomes    []OutcomeStatus
	EarnedPence int64
}

// SettleOutcomeIncentive evaluates every outcome target of a contract once and records an
// OutcomeIncentiveEarned event per target. A contract is settled once.
func (a *App) SettleOutcomeIncentive(ctx context.Context, id string) (Settlement, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return Settlement{}, err
	}
	achieved, err := a.achievements(ctx, row.Contract)
	if err != nil {
		return Settlement{}, err
	}
	var out Settlement
	err = a.ledger.Update(ctx, func(tx LedgerTx) error {
		out = Settlement{}
		row, err := a.existing(tx, id)
		if err != nil {
			return err
		}
		if row.Settled {
			return domain.Errorf(domain.KindFailedPrecondition, "the outcome incentive of contract %s is already settled", id)
		}
		if len(row.Contract.Terms.Targets) == 0 {
			return domain.Errorf(domain.KindFailedPrecondition, "contract %s has no outcome targets to settle", id)
		}
		for _, ac := range achieved {
			st := OutcomeStatus{Achievement: ac, Settled: true}
			out.Outcomes = append(out.Outcomes, st)
			out.EarnedPence += ac.Earned
			if err := a.emit(tx, id, OutcomeIncentiveEarned{ContractID: id, Outcome: st}, "incentive", ac.TargetID); err != nil {
				return err
			}
		}
		row.Settled = true
		return tx.PutContract(row)
	})
	if err != nil {
		return Settlement{}, err
	}
	return out, nil
}

package app

import (
	"context"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// SettleOutcomeIncentive evaluates every outcome target of a contract once and records an
// OutcomeIncentiveEarned event per target. A contract is settled once.
func (a *App) SettleOutcomeIncentive(ctx context.Context, id string) (*financev1.SettleOutcomeIncentiveResponse, error) {
	row, err := a.Contract(ctx, id)
	if err != nil {
		return nil, err
	}
	achieved, err := a.achievements(ctx, row.Contract)
	if err != nil {
		return nil, err
	}
	out := &financev1.SettleOutcomeIncentiveResponse{}
	err = a.store.Update(ctx, func(tx *adapters.Tx) error {
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
			st := achievementProto(ac, true)
			out.Outcomes = append(out.Outcomes, st)
			out.EarnedPence += ac.Earned
			ev := &financev1.OutcomeIncentiveEarned{ContractId: id, Outcome: st}
			if err := emit(tx, id, &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_OutcomeIncentiveEarned{OutcomeIncentiveEarned: ev}},
				"incentive", ac.TargetID); err != nil {
				return err
			}
		}
		row.Settled = true
		return tx.PutContract(row)
	})
	return out, err
}

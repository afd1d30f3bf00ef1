package app

import (
	"context"
	"strconv"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// CreateContract records a new contract and its ContractCreated event; it releases the periods
// already due.
func (a *App) CreateContract(ctx context.Context, actor string, terms domain.Terms) (domain.Contract, error) {
	id := domain.ContractID(terms.PathwayID, terms.Year)
	c, err := domain.Resolve(id, terms, 0, nil)
	if err != nil {
		return c, err
	}
	err = a.store.Update(ctx, func(tx *adapters.Tx) error {
		if _, ok, err := tx.Contract(id); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Errorf(domain.KindAlreadyExists, "contract %s (pathway %q, contract year %d) already exists: amend it instead",
				id, terms.PathwayID, terms.Year)
		}
		row := adapters.ContractRow{Contract: c}
		if err := tx.PutContract(row); err != nil {
			return err
		}
		ev := &financev1.ContractCreated{Contract: ContractProto(c), Actor: actor}
		if err := emit(tx, id, &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractCreated{ContractCreated: ev}}, "created"); err != nil {
			return err
		}
		return a.releaseAndSave(tx, row)
	})
	return c, err
}

// AmendContract replaces the terms of a contract at amendment expected. The pathway and year
// cannot change; released periods keep their amounts; the schedule may not allocate more than
// the budget less the withhold.
func (a *App) AmendContract(ctx context.Context, actor, id string, terms domain.Terms, expected int, reason string) (domain.Contract, error) {
	if err := terms.Validate(); err != nil {
		return domain.Contract{}, err
	}
	var out domain.Contract
	err := a.store.Update(ctx, func(tx *adapters.Tx) error {
		row, err := a.existing(tx, id)
		if err != nil {
			return err
		}
		if err := sameIdentity(row.Contract, terms); err != nil {
			return err
		}
		if row.Contract.Amendment != expected {
			return domain.Errorf(domain.KindConflict, "contract %s is at amendment %d, not %d: read it again", id, row.Contract.Amendment, expected)
		}
		if err := a.release(tx, &row); err != nil {
			return err
		}
		c, err := domain.Resolve(id, terms, expected+1, row.Contract.Schedule[:row.Released])
		if err != nil {
			return err
		}
		row.Contract, out = c, c
		ev := &financev1.ContractAmended{Contract: ContractProto(c), Actor: actor, Reason: reason}
		if err := emit(tx, id, &financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ContractAmended{ContractAmended: ev}},
			"amended", strconv.Itoa(c.Amendment)); err != nil {
			return err
		}
		if err := crossings(tx, &row); err != nil {
			return err
		}
		return tx.PutContract(row)
	})
	return out, err
}

func sameIdentity(c domain.Contract, t domain.Terms) error {
	var vs domain.Violations
	if t.PathwayID != c.Terms.PathwayID {
		vs.Add("terms.pathway_id", "must stay %q for contract %s", c.Terms.PathwayID, c.ID)
	}
	if t.Year != c.Terms.Year {
		vs.Add("terms.contract_year", "must stay %d for contract %s", c.Terms.Year, c.ID)
	}
	return vs.Err()
}

func (a *App) existing(tx *adapters.Tx, id string) (adapters.ContractRow, error) {
	row, ok, err := tx.Contract(id)
	if err == nil && !ok {
		err = domain.Errorf(domain.KindNotFound, "contract %q not found", id)
	}
	return row, err
}

func (a *App) releaseAndSave(tx *adapters.Tx, row adapters.ContractRow) error {
	if err := a.release(tx, &row); err != nil {
		return err
	}
	if err := crossings(tx, &row); err != nil {
		return err
	}
	return tx.PutContract(row)
}

// Contract returns a contract.
func (a *App) Contract(ctx context.Context, id string) (adapters.ContractRow, error) {
	row, ok, err := a.store.Contract(ctx, id)
	if err == nil && !ok {
		err = domain.Errorf(domain.KindNotFound, "contract %q not found", id)
	}
	return row, err
}

// ReleaseDue releases the allocation periods that have started, for every contract. The
// service runs it periodically; ingest and amendments also release what is due.
func (a *App) ReleaseDue(ctx context.Context) error {
	ids, err := a.store.ContractIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		row, err := a.Contract(ctx, id)
		if err != nil {
			return err
		}
		if domain.ReleasedPeriods(row.Contract.Terms.Year, a.now()) <= row.Released {
			continue
		}
		if err := a.store.Update(ctx, func(tx *adapters.Tx) error {
			row, err := a.existing(tx, id)
			if err != nil {
				return err
			}
			return a.releaseAndSave(tx, row)
		}); err != nil {
			return err
		}
	}
	return nil
}

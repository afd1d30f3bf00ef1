package app

import (
	"context"
	"strconv"

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
	err = a.ledger.Update(ctx, func(tx LedgerTx) error {
		if _, ok, err := tx.Contract(id); err != nil || ok {
			if err != nil {
				return err
			}
			return domain.Errorf(domain.KindAlreadyExists, "contract %s (pathway %q, contract year %d) already exists: amend it instead",
				id, terms.PathwayID, terms.Year)
		}
		row := ContractRow{Contract: c}
		if err := tx.PutContract(row); err != nil {
			return err
		}
		if err := a.emit(tx, id, ContractCreated{Contract: c, Actor: actor}, "created"); err != nil {
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
	err := a.ledger.Update(ctx, func(tx LedgerTx) error {
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
		if err := a.emit(tx, id, ContractAmended{Contract: c, Actor: actor, Reason: reason}, "amended", strconv.Itoa(c.Amendment)); err != nil {
			return err
		}
		if err := a.crossings(tx, &row); err != nil {
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

func (a *App) existing(tx LedgerTx, id string) (ContractRow, error) {
	row, ok, err := tx.Contract(id)
	if err == nil && !ok {
		err = domain.Errorf(domain.KindNotFound, "contract %q not found", id)
	}
	return row, err
}

func (a *App) releaseAndSave(tx LedgerTx, row ContractRow) error {
	if err := a.release(tx, &row); err != nil {
		return err
	}
	if err := a.crossings(tx, &row); err != nil {
		return err
	}
	return tx.PutContract(row)
}

// Contract returns a contract.
func (a *App) Contract(ctx context.Context, id string) (ContractRow, error) {
	row, ok, err := a.ledger.Contract(ctx, id)
	if err == nil && !ok {
		err = domain.Errorf(domain.KindNotFound, "contract %q not found", id)
	}
	return row, err
}

// ReleaseDue releases the allocation periods that have started, for every contract. The
// service runs it periodically; ingest and amendments also release what is due.
func (a *App) ReleaseDue(ctx context.Context) error {
	ids, err := a.ledger.ContractIDs(ctx)
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
		if err := a.ledger.Update(ctx, func(tx LedgerTx) error {
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

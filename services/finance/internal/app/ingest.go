package app

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

// RecordActivity charges a costed activity against its contract, exactly once per event ID, at
// the unit price the contract agrees for its intervention code: the price the activity states is
// never booked (a difference is logged). An intervention code without an agreed price is a
// FailedPrecondition (NO_AGREED_UNIT_PRICE) that changes nothing and leaves the ID free. It
// reports duplicate=true when the ID was already applied with the same payload hash h.
func (a *App) RecordActivity(ctx context.Context, act domain.Activity, h []byte) (bool, error) {
	if err := act.Validate(); err != nil {
		return false, err
	}
	var dup bool
	var booked booking
	err := a.ledger.Update(ctx, func(tx LedgerTx) error {
		var err error
		booked = booking{} // fn may run again: keep nothing of an earlier run
		if dup, err = a.seen(tx, "activity", act.EventID, h); dup || err != nil {
			return err
		}
		row, err := a.contractFor(tx, act.PathwayID, act.OccurredAt)
		if err != nil {
			return err
		}
		if booked, err = agreedPrice(row.Contract, act); err != nil {
			return err
		}
		if err := a.release(tx, &row); err != nil {
			return err
		}
		if err := a.charge(tx, &row, act, booked.price); err != nil {
			return err
		}
		if err := a.crossings(tx, &row); err != nil {
			return err
		}
		if err := tx.PutTotals(row); err != nil {
			return err
		}
		return tx.MarkApplied(act.EventID, h)
	})
	if err == nil && !dup {
		a.reportStatedPrice(act, booked)
	}
	return dup, a.conflicted(err)
}

// seen reports whether id was applied with hash h; another hash is an AlreadyExists error.
func (a *App) seen(tx LedgerTx, kind, id string, h []byte) (bool, error) {
	prev, ok, err := tx.AppliedHash(id)
	switch {
	case err != nil || !ok:
		return false, err
	case bytes.Equal(prev, h):
		return true, nil
	}
	return false, &conflictError{kind: kind, id: id}
}

type conflictError struct{ kind, id string }

func (e *conflictError) Error() string {
	return "event " + e.id + " was already applied with a different payload"
}

// conflicted logs (without patient data) and counts a refused duplicate, and turns it into the
// domain's AlreadyExists error.
func (a *App) conflicted(err error) error {
	var ce *conflictError
	if !errors.As(err, &ce) {
		return err
	}
	a.log.Warn("ingest refused: event ID reused with a different payload", "kind", ce.kind, "event_id", ce.id)
	a.OnConflict(ce.kind)
	return domain.Errorf(domain.KindAlreadyExists, "%s", ce.Error())
}

func (a *App) contractFor(tx LedgerTx, pathway string, at time.Time) (ContractRow, error) {
	year := domain.ContractYearOf(at)
	row, ok, err := tx.Contract(domain.ContractID(pathway, year))
	if err != nil {
		return row, err
	}
	if !ok {
		return row, domain.Errorf(domain.KindFailedPrecondition,
			"no contract for pathway %q in contract year %d (April %d to March %d): create it first", pathway, year, year, year+1)
	}
	return row, nil
}

// charge books act at price, the contract's agreed unit price.
func (a *App) charge(tx LedgerTx, row *ContractRow, act domain.Activity, price int64) error {
	id := row.Contract.ID
	month := domain.MonthOf(act.OccurredAt)
	err := tx.InsertCharge(Charge{
		EventID: act.EventID, ContractID: id, Month: month, Provider: act.Provider,
		InterventionCode: act.InterventionCode, InterventionID: act.InterventionID, JourneyID: act.JourneyID,
		OccurredAt: act.OccurredAt, PricePence: price, PCN: act.PCN, Segment: act.Segment,
	})
	if err != nil {
		return err
	}
	row.Spent += price
	row.Activities++
	payable, err := tx.AddPayable(id, act.Provider, price)
	if err != nil {
		return err
	}
	costed := ActivityCosted{
		ContractID: id, SourceEventID: act.EventID, JourneyID: act.JourneyID, InterventionID: act.InterventionID,
		InterventionCode: act.InterventionCode, Provider: act.Provider, UnitPricePence: price,
		OccurredAt: act.OccurredAt, Month: month, PCN: act.PCN, Segment: act.Segment, SpentToDatePence: row.Spent,
	}
	if err := a.emit(tx, id, costed, "costed", act.EventID); err != nil {
		return err
	}
	pay := ProviderPayable{ContractID: id, SourceEventID: act.EventID, Provider: act.Provider, Month: month,
		AmountPence: price, PayableToDatePence: payable}
	return a.emit(tx, id, pay, "payable", act.EventID)
}

// release releases every period of the contract that has started by now and is not released.
func (a *App) release(tx LedgerTx, row *ContractRow) error {
	c := row.Contract
	due := domain.ReleasedPeriods(c.Terms.Year, a.now())
	for p := row.Released + 1; p <= due; p++ {
		row.Released = p
		ev := AllocationReleased{ContractID: c.ID, Period: p, Month: domain.PeriodMonth(c.Terms.Year, p),
			AmountPence: c.Schedule[p-1], AllocatedToDatePence: c.AllocatedBy(p)}
		if err := a.emit(tx, c.ID, ev, "released", strconv.Itoa(p)); err != nil {
			return err
		}
	}
	return nil
}

// crossings raises each threshold the contract's spend has newly reached.
func (a *App) crossings(tx LedgerTx, row *ContractRow) error {
	for _, cr := range row.Contract.Crossings(row.Spent, row.Released) {
		fresh, err := tx.MarkCrossed(row.Contract.ID, cr.Key)
		if err != nil || !fresh {
			if err != nil {
				return err
			}
			continue
		}
		ev := ThresholdCrossed{ContractID: row.Contract.ID, Threshold: cr.Threshold, SpentPence: row.Spent, BasisPence: cr.Basis, Month: cr.Month}
		if err := a.emit(tx, row.Contract.ID, ev, "threshold", cr.Key); err != nil {
			return err
		}
	}
	return nil
}

// RecordOutcome stores a journey's outcome scores (for outcome targets), exactly once per ID.
func (a *App) RecordOutcome(ctx context.Context, o domain.Outcome, h []byte) (bool, error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	var dup bool
	err := a.ledger.Update(ctx, func(tx LedgerTx) error {
		var err error
		if dup, err = a.seen(tx, "outcome", o.EventID, h); dup || err != nil {
			return err
		}
		row, err := a.contractFor(tx, o.PathwayID, o.OccurredAt)
		if err != nil {
			return err
		}
		for m, v := range o.Measures {
			s := Score{PathwayID: o.PathwayID, JourneyID: o.JourneyID, Point: o.CollectionPoint, Measure: m,
				Value: v, OccurredAt: o.OccurredAt, ContractID: row.Contract.ID}
			if err := tx.PutScore(s); err != nil {
				return err
			}
		}
		return tx.MarkApplied(o.EventID, h)
	})
	return dup, a.conflicted(err)
}

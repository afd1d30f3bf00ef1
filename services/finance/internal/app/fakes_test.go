package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeLedger is an in-memory Ledger for unit tests. Update runs its callback twice on copies of
// the committed state, keeping only the second run, as the real group commit may (Ledger.Update):
// a command that carried anything over from an earlier run would show it.
type fakeLedger struct {
	mu      sync.Mutex
	state   ledgerState
	changed chan struct{}
	commits int
}

type ledgerState struct {
	contracts map[string]ContractRow
	applied   map[string][]byte
	charges   []Charge
	payables  map[[2]string]int64 // contract, provider
	crossed   map[[2]string]bool  // contract, key
	scores    map[[4]string]Score // pathway, journey, point, measure
	outbox    []OutboxEvent
	revisions map[string]uint64 // next revision of each contract stream
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{changed: make(chan struct{}), state: ledgerState{
		contracts: map[string]ContractRow{}, applied: map[string][]byte{}, payables: map[[2]string]int64{},
		crossed: map[[2]string]bool{}, scores: map[[4]string]Score{}, revisions: map[string]uint64{},
	}}
}

func (s ledgerState) clone() ledgerState {
	return ledgerState{
		contracts: maps.Clone(s.contracts), applied: maps.Clone(s.applied), charges: slices.Clone(s.charges),
		payables: maps.Clone(s.payables), crossed: maps.Clone(s.crossed), scores: maps.Clone(s.scores),
		outbox: slices.Clone(s.outbox), revisions: maps.Clone(s.revisions),
	}
}

func (f *fakeLedger) Update(ctx context.Context, fn func(LedgerTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = fn(&fakeTx{s: f.state.clone()}) // a run the group commit threw away
	tx := &fakeTx{s: f.state.clone()}
	if err := fn(tx); err != nil {
		return err
	}
	f.state = tx.s
	f.commits++
	close(f.changed)
	f.changed = make(chan struct{})
	return nil
}

func (f *fakeLedger) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

func (f *fakeLedger) Contract(_ context.Context, id string) (ContractRow, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	row, ok := f.state.contracts[id]
	return row, ok, nil
}

func (f *fakeLedger) ContractIDs(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.state.contracts)), nil
}

func (f *fakeLedger) SpendBy(_ context.Context, contract string, by Grouping) ([]SpendLine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := map[Grouping]func(Charge) string{
		ByProvider:     func(c Charge) string { return c.Provider },
		ByIntervention: func(c Charge) string { return c.InterventionCode },
		ByMonth:        func(c Charge) string { return c.Month },
	}[by]
	if key == nil {
		return nil, errors.New("not a grouping")
	}
	lines := map[string]SpendLine{}
	for _, c := range f.state.charges {
		if c.ContractID == contract {
			l := lines[key(c)]
			l.Key, l.SpentPence, l.Activities = key(c), l.SpentPence+c.PricePence, l.Activities+1
			lines[key(c)] = l
		}
	}
	return sortedLines(lines, func(a, b SpendLine) int { return cmp.Compare(a.Key, b.Key) }), nil
}

func (f *fakeLedger) Statement(_ context.Context, contract, provider, month string) ([]StatementLine, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lines := map[[2]string]StatementLine{}
	for _, c := range f.state.charges {
		if c.ContractID == contract && c.Provider == provider && (month == "" || c.Month == month) {
			k := [2]string{c.Month, c.InterventionCode}
			l := lines[k]
			l.Month, l.InterventionCode, l.Activities, l.AmountPence = c.Month, c.InterventionCode, l.Activities+1, l.AmountPence+c.PricePence
			lines[k] = l
		}
	}
	return sortedLines(lines, func(a, b StatementLine) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.InterventionCode, b.InterventionCode))
	}), nil
}

func sortedLines[K comparable, L any](m map[K]L, order func(a, b L) int) []L {
	return slices.SortedFunc(maps.Values(m), order)
}

func (f *fakeLedger) MonthCharges(_ context.Context, contract, month string) ([]Charge, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Charge
	for _, c := range f.state.charges {
		if c.ContractID == contract && c.Month == month {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Charge) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.EventID, b.EventID))
	})
	return out, nil
}

func (f *fakeLedger) Scores(_ context.Context, contract, pathway, measure, point string) ([]ScorePair, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []ScorePair
	for k, s := range f.state.scores {
		if s.ContractID != contract || k[0] != pathway || k[2] != point || k[3] != measure {
			continue
		}
		p := ScorePair{JourneyID: s.JourneyID, FollowUp: s.Value}
		if b, ok := f.state.scores[[4]string{pathway, s.JourneyID, "baseline", measure}]; ok {
			p.Baseline = &b.Value
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b ScorePair) int { return cmp.Compare(a.JourneyID, b.JourneyID) })
	return out, nil
}

func (f *fakeLedger) Outbox(_ context.Context, after uint64, limit int) ([]OutboxEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []OutboxEvent
	for _, e := range f.state.outbox {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

// events decodes the whole outbox.
func (f *fakeLedger) events(t *testing.T) []Event {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Event, len(f.state.outbox))
	for i, e := range f.state.outbox {
		out[i] = decodeEvent(t, e.Payload)
	}
	return out
}

// fakeTx writes to a copy of the ledger's state that Update keeps if the callback succeeds.
type fakeTx struct{ s ledgerState }

func (t *fakeTx) AppliedHash(id string) ([]byte, bool, error) {
	h, ok := t.s.applied[id]
	return h, ok, nil
}

func (t *fakeTx) MarkApplied(id string, h []byte) error {
	if _, ok := t.s.applied[id]; ok {
		return errors.New("event ID already applied")
	}
	t.s.applied[id] = h
	return nil
}

func (t *fakeTx) Contract(id string) (ContractRow, bool, error) {
	row, ok := t.s.contracts[id]
	return row, ok, nil
}

func (t *fakeTx) PutContract(row ContractRow) error {
	t.s.contracts[row.Contract.ID] = row
	return nil
}

func (t *fakeTx) PutTotals(row ContractRow) error {
	old, ok := t.s.contracts[row.Contract.ID]
	if !ok {
		return errors.New("no such contract")
	}
	old.Released, old.Spent, old.Activities, old.Settled = row.Released, row.Spent, row.Activities, row.Settled
	t.s.contracts[row.Contract.ID] = old
	return nil
}

func (t *fakeTx) InsertCharge(c Charge) error {
	for _, o := range t.s.charges {
		if o.EventID == c.EventID {
			return errors.New("charge already recorded")
		}
	}
	t.s.charges = append(t.s.charges, c)
	return nil
}

func (t *fakeTx) AddPayable(contract, provider string, amount int64) (int64, error) {
	t.s.payables[[2]string{contract, provider}] += amount
	return t.s.payables[[2]string{contract, provider}], nil
}

func (t *fakeTx) MarkCrossed(contract, key string) (bool, error) {
	k := [2]string{contract, key}
	fresh := !t.s.crossed[k]
	t.s.crossed[k] = true
	return fresh, nil
}

func (t *fakeTx) PutScore(s Score) error {
	k := [4]string{s.PathwayID, s.JourneyID, s.Point, s.Measure}
	if old, ok := t.s.scores[k]; !ok || !s.OccurredAt.Before(old.OccurredAt) {
		t.s.scores[k] = s
	}
	return nil
}

func (t *fakeTx) Emit(contract, eventID string, payload []byte) (uint64, error) {
	for _, e := range t.s.outbox {
		if e.EventID == eventID {
			return 0, errors.New("outbox event ID already used")
		}
	}
	rev := t.s.revisions[contract]
	t.s.revisions[contract] = rev + 1
	var seq uint64 = 1
	if n := len(t.s.outbox); n > 0 {
		seq = t.s.outbox[n-1].Seq + 1
	}
	t.s.outbox = append(t.s.outbox, OutboxEvent{Seq: seq, ContractID: contract, Revision: rev, EventID: eventID, Payload: payload})
	return rev, nil
}

// gobEvents encodes events with encoding/gob, so tests can read back exactly what was emitted.
type gobEvents struct{}

func init() {
	for _, ev := range []Event{ContractCreated{}, ContractAmended{}, AllocationReleased{}, ActivityCosted{},
		ProviderPayable{}, ThresholdCrossed{}, OutcomeIncentiveEarned{}} {
		gob.Register(ev)
	}
}

func (gobEvents) Encode(ev Event) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(&ev)
	return buf.Bytes(), err
}

func decodeEvent(t *testing.T, b []byte) Event {
	t.Helper()
	var ev Event
	require.NoError(t, gob.NewDecoder(bytes.NewReader(b)).Decode(&ev))
	return ev
}

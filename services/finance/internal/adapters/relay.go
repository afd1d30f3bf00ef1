package adapters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
)

// ContractCategory is the stream category of contracts: "financecontract-<contract id>" (the
// naming rules allow letters and digits only in a category).
const ContractCategory = "financecontract"

// ContractStream is the event store stream of a contract.
func ContractStream(contractID string) string { return events.Stream(ContractCategory, contractID) }

// Relay copies outbox events to the event store, one append per contract stream and batch, at
// the revision the ledger gave each event and under its deterministic ID. After a crash it
// resends what was not marked relayed; an append that the store already holds is recognised (by
// revision and ID) and only marked. Nothing is lost or stored twice.
type Relay struct {
	Store   Outbox
	Journal *events.Journal
	Log     *slog.Logger
	// Idle is how long the relay waits for new events before looking again (default 1s).
	Idle time.Duration
}

// Outbox is what the relay needs of a ledger (Store, PGStore): the events not yet relayed, in
// cursor order; a way to mark them relayed; and a wake-up at each commit.
type Outbox interface {
	Pending(ctx context.Context, limit int) ([]app.OutboxEvent, error)
	MarkRelayed(ctx context.Context, seqs []uint64) error
	Changed() <-chan struct{}
}

// relayBatch is how many outbox events one pass relays.
const relayBatch = 1000

// Run relays until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	idle := r.Idle
	if idle <= 0 {
		idle = time.Second
	}
	for ctx.Err() == nil {
		changed := r.Store.Changed()
		n, err := r.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.WarnContext(ctx, "relay capitation events", "err", err)
		}
		if n == relayBatch && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-changed:
		case <-time.After(idle):
		}
	}
}

// Pass relays one batch of pending events and returns how many it looked at (some may be left
// for the next pass when part of the batch was already stored).
func (r *Relay) Pass(ctx context.Context) (int, error) {
	pending, err := r.Store.Pending(ctx, relayBatch)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	var order []string
	by := map[string][]app.OutboxEvent{}
	for _, e := range pending {
		if _, ok := by[e.ContractID]; !ok {
			order = append(order, e.ContractID)
		}
		by[e.ContractID] = append(by[e.ContractID], e)
	}
	done := 0
	for _, c := range order {
		if err := r.relay(ctx, by[c]); err != nil {
			return done, err
		}
		done += len(by[c])
	}
	return done, nil
}

func (r *Relay) relay(ctx context.Context, evs []app.OutboxEvent) error {
	stream := ContractStream(evs[0].ContractID)
	batch := make([]events.Event, len(evs))
	seqs := make([]uint64, len(evs))
	for i, e := range evs {
		ev, err := decodeOutbox(e)
		if err != nil {
			return err
		}
		batch[i], seqs[i] = ev, e.Seq
	}
	expected := events.NoStream()
	if evs[0].Revision > 0 {
		expected = events.Exact(evs[0].Revision - 1)
	}
	_, err := r.Journal.Append(ctx, stream, expected, batch...)
	if errors.Is(err, events.ErrConflict) {
		var n int
		n, err = r.alreadyStored(ctx, stream, evs)
		seqs = seqs[:n] // the rest is appended on the next pass, after the stored ones
	}
	if err != nil {
		return err
	}
	return r.Store.MarkRelayed(ctx, seqs)
}

// alreadyStored handles a refused append: an earlier pass stored some or all of these events
// (the service died between appending and marking them). It returns how many, checking that
// each stored one has the revision and ID the ledger gave it; any other state is an error that
// stops the relay for this stream and is logged.
func (r *Relay) alreadyStored(ctx context.Context, stream string, evs []app.OutboxEvent) (int, error) {
	stored, err := r.Journal.ReadStreamFrom(ctx, stream, evs[0].Revision, uint64(len(evs)))
	if err != nil {
		return 0, fmt.Errorf("check relayed events of %s: %w", stream, err)
	}
	if len(stored) == 0 {
		return 0, fmt.Errorf("relay %s: append at revision %d refused but nothing is stored there", stream, evs[0].Revision)
	}
	for i, st := range stored {
		if st.ID.String() != evs[i].EventID || st.Revision != evs[i].Revision {
			return 0, fmt.Errorf("relay %s: revision %d holds event %s, not %s", stream, st.Revision, st.ID, evs[i].EventID)
		}
	}
	return len(stored), nil
}

func decodeOutbox(e app.OutboxEvent) (events.Event, error) {
	id, err := uuid.Parse(e.EventID)
	if err != nil {
		return events.Event{}, fmt.Errorf("outbox event %d id: %w", e.Seq, err)
	}
	msg, err := DecodeEvent(e.Payload)
	if err != nil {
		return events.Event{}, fmt.Errorf("outbox event %d: %w", e.Seq, err)
	}
	return events.Event{ID: id, Payload: msg, Meta: events.Metadata{Actor: "finance"}}, nil
}

// DecodeEvent returns the concrete message (ActivityCosted, ...) of a stored CapitationEvent.
func DecodeEvent(payload []byte) (proto.Message, error) {
	var ce financev1.CapitationEvent
	if err := proto.Unmarshal(payload, &ce); err != nil {
		return nil, fmt.Errorf("decode capitation event: %w", err)
	}
	kind := ce.ProtoReflect().WhichOneof(ce.ProtoReflect().Descriptor().Oneofs().ByName("kind"))
	if kind == nil {
		return nil, errors.New("decode capitation event: no kind set")
	}
	return ce.ProtoReflect().Get(kind).Message().Interface(), nil
}

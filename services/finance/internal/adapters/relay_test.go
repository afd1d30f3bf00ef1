package adapters_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
	"github.com/nhs-pathways/pathways/services/finance/internal/app"
	"github.com/nhs-pathways/pathways/services/finance/internal/domain"
)

func openStore(t *testing.T) *adapters.Store {
	t.Helper()
	s, err := adapters.Open(t.Context(), filepath.Join(t.TempDir(), "ledger.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// emitN writes n ProviderPayable events to contract c's outbox in one transaction.
func emitN(t *testing.T, s *adapters.Store, c string, from, n int) {
	t.Helper()
	require.NoError(t, s.Update(t.Context(), func(tx app.LedgerTx) error {
		if _, ok, err := tx.Contract(c); err != nil || !ok {
			if err != nil {
				return err
			}
			if err := tx.PutContract(app.ContractRow{Contract: domain.Contract{ID: c}}); err != nil {
				return err
			}
		}
		for i := from; i < from+n; i++ {
			b, err := proto.Marshal(&financev1.CapitationEvent{Kind: &financev1.CapitationEvent_ProviderPayable{
				ProviderPayable: &financev1.ProviderPayable{ContractId: c, AmountPence: int64(i + 1)}}})
			if err != nil {
				return err
			}
			if _, err := tx.Emit(c, events.EventID("test", c, fmt.Sprint(i)).String(), b); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestRelayResumesAfterDyingBetweenAppendAndMark relays a batch, forgets that it did (as a
// service killed before marking the batch would), adds more events, and relays again: the
// stream must hold every event once, in ledger order.
func TestRelayResumesAfterDyingBetweenAppendAndMark(t *testing.T) {
	es, err := embedded.Start(t.Context(), embedded.Options{InMemory: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = es.Close() })
	j, err := events.Open(t.Context(), es.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })

	s := openStore(t)
	emitN(t, s, "msk-2026", 0, 6)
	pending, err := s.Pending(t.Context(), 100)
	require.NoError(t, err)
	batch := make([]events.Event, len(pending))
	for i, e := range pending {
		msg, err := adapters.DecodeEvent(e.Payload)
		require.NoError(t, err)
		batch[i] = events.Event{ID: events.EventID("test", "msk-2026", fmt.Sprint(i)), Payload: msg}
	}
	_, err = j.Append(t.Context(), adapters.ContractStream("msk-2026"), events.NoStream(), batch...) // appended, never marked
	require.NoError(t, err)
	emitN(t, s, "msk-2026", 6, 4)

	r := &adapters.Relay{Store: s, Journal: j}
	for {
		n, err := r.Pass(context.Background())
		require.NoError(t, err)
		if n == 0 {
			break
		}
	}
	stored, err := j.ReadStream(t.Context(), adapters.ContractStream("msk-2026"))
	require.NoError(t, err)
	require.Len(t, stored, 10)
	for i, e := range stored {
		require.Equal(t, events.EventID("test", "msk-2026", fmt.Sprint(i)), e.ID)
		require.Equal(t, int64(i+1), e.Payload.(*financev1.ProviderPayable).GetAmountPence())
	}
	left, err := s.Pending(t.Context(), 100)
	require.NoError(t, err)
	require.Empty(t, left)
}

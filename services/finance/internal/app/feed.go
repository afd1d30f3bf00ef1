package app

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
)

// feedPage is how many events Follow reads at a time.
const feedPage = 512

// Follow sends every capitation event after cursor, in order, then each new one as it is
// committed, until ctx ends or send fails. Cursors are the outbox sequence: strictly increasing
// with no gaps, so resuming after the last cursor handled skips and repeats nothing.
func (a *App) Follow(ctx context.Context, after uint64, send func(*financev1.FollowResponse) error) error {
	for {
		changed := a.store.Changed()
		page, err := a.store.Outbox(ctx, after, feedPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			var ce financev1.CapitationEvent
			if err := proto.Unmarshal(e.Payload, &ce); err != nil {
				return fmt.Errorf("decode feed event %d: %w", e.Seq, err)
			}
			if err := send(&financev1.FollowResponse{Cursor: e.Seq, EventId: e.EventID, ContractId: e.ContractID, Revision: e.Revision, Event: &ce}); err != nil {
				return err
			}
			after = e.Seq
		}
		if len(page) == feedPage {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-a.closing:
			return ErrShuttingDown
		}
	}
}

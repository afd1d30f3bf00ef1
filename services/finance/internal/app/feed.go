package app

import "context"

// feedPage is how many events Follow reads at a time.
const feedPage = 512

// Follow sends every capitation event after cursor after, in order, then each new one as it is
// committed, until ctx ends (its error), send fails (send's error) or the service shuts down
// (ErrShuttingDown). Cursors are the outbox sequence: strictly increasing in commit order, so
// resuming after the last cursor handled skips and repeats nothing.
func (a *App) Follow(ctx context.Context, after uint64, send func(OutboxEvent) error) error {
	for {
		changed := a.ledger.Changed()
		page, err := a.ledger.Outbox(ctx, after, feedPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := send(e); err != nil {
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

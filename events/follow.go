package events

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// feed is one kind of catch-up subscription ($all or a stream) and its cursor: the last event
// (or server checkpoint) it has seen. It is used by one goroutine only.
type feed interface {
	// opener returns a function that subscribes from just after the cursor as it is now (the
	// function may run on another goroutine, after the cursor has moved).
	opener(ctx context.Context) func(c *esdb.Client) (*esdb.Subscription, error)
	// seen reports whether ev is at or before the cursor, i.e. already handed over.
	seen(ev *esdb.RecordedEvent) bool
	// wanted reports whether ev passes the client-side filters.
	wanted(ev *esdb.RecordedEvent) bool
	// advance moves the cursor to ev.
	advance(ev *esdb.RecordedEvent)
	// handled runs after the handler accepted r.
	handled(ctx context.Context, r Recorded) error
	// reached handles a server checkpoint.
	reached(ctx context.Context, p esdb.Position) error
}

// stopError marks an error from the handler, a checkpoint callback or decoding: it ends the
// subscription instead of causing a resubscription.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }
func (e *stopError) Unwrap() error { return e.err }

// follow runs f until ctx is done or a stop or permanent error, resubscribing after drops.
func (j *Journal) follow(ctx context.Context, f feed, handle Handler) error {
	attempt := 0
	for {
		progressed, err := j.followOnce(ctx, f, handle)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var stop *stopError
		if errors.As(err, &stop) {
			return stop.err
		}
		if isPermanent(err) {
			return err
		}
		if progressed {
			attempt = 0
		}
		delay := j.backoff.delay(attempt)
		attempt++
		j.log.WarnContext(ctx, "event subscription dropped; resubscribing", "error", err, "attempt", attempt, "delay", delay)
		if err := wait(ctx, delay); err != nil {
			return err
		}
	}
}

// followOnce runs one subscription until it drops or must stop. progressed reports whether it
// received anything, which resets the backoff.
func (j *Journal) followOnce(ctx context.Context, f feed, handle Handler) (progressed bool, err error) {
	span := startSubscribeSpan(ctx, f)
	sub, err := clientCall(ctx, j, j.openTimeout, f.opener(ctx), func(s *esdb.Subscription) { _ = s.Close() })
	recordError(span, err)
	span.End()
	if err != nil {
		return false, err
	}
	defer func() { _ = sub.Close() }()
	for {
		msg := sub.Recv()
		switch {
		case msg.SubscriptionDropped != nil:
			return progressed, dropError(msg.SubscriptionDropped.Error)
		case msg.CheckPointReached != nil:
			progressed = true
			if err := f.reached(ctx, *msg.CheckPointReached); err != nil {
				return progressed, &stopError{fmt.Errorf("checkpoint: %w", err)}
			}
		case msg.EventAppeared != nil:
			progressed = true
			if err := j.deliver(ctx, f, msg.EventAppeared.OriginalEvent(), handle); err != nil {
				return progressed, &stopError{err}
			}
		case msg.CaughtUp != nil, msg.FellBehind != nil:
			progressed = true
		}
	}
}

// dropError describes why a subscription dropped. The client hands over the bare gRPC status:
// the server ends a subscription to a tombstoned stream with FailedPrecondition ("Event stream
// '<name>' is deleted."), which is mapped to ErrStreamDeleted.
func dropError(err error) error {
	if status.Code(err) == codes.FailedPrecondition && strings.Contains(status.Convert(err).Message(), "deleted") {
		return fmt.Errorf("dropped: %w: %w", ErrStreamDeleted, err)
	}
	return fmt.Errorf("dropped: %w", err)
}

// deliver hands ev to handle unless it was handed over already or is filtered out.
func (j *Journal) deliver(ctx context.Context, f feed, ev *esdb.RecordedEvent, handle Handler) error {
	if f.seen(ev) {
		return nil // redelivered after a resubscription
	}
	if !f.wanted(ev) {
		f.advance(ev)
		return nil
	}
	r, err := j.codec.decode(ev)
	if err != nil {
		return err
	}
	if err := handle(ctx, r); err != nil {
		return fmt.Errorf("handle %s@%d: %w", r.Stream, r.Revision, err)
	}
	f.advance(ev)
	if err := f.handled(ctx, r); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// allFeed follows $all.
type allFeed struct {
	opts SubscribeOptions
	from AllFrom
}

func (f *allFeed) opener(ctx context.Context) func(*esdb.Client) (*esdb.Subscription, error) {
	opts := esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: f.opts.serverFilter()}
	if f.from.set {
		opts.From = f.from.after.toClient()
	}
	return func(c *esdb.Client) (*esdb.Subscription, error) { return c.SubscribeToAll(ctx, opts) }
}

func (f *allFeed) seen(ev *esdb.RecordedEvent) bool {
	return f.from.set && positionFromClient(ev.Position).Compare(f.from.after) <= 0
}

func (f *allFeed) wanted(ev *esdb.RecordedEvent) bool { return f.opts.wanted(ev) }

func (f *allFeed) advance(ev *esdb.RecordedEvent) { f.from = AllAfter(positionFromClient(ev.Position)) }

func (f *allFeed) handled(ctx context.Context, r Recorded) error {
	if f.opts.Checkpoint == nil {
		return nil
	}
	return f.opts.Checkpoint(ctx, r.Position)
}

// reached moves the cursor to a server checkpoint: the server guarantees no matching event at or
// before it remains, and itself resumes after it (exclusive), as for an event position.
func (f *allFeed) reached(ctx context.Context, p esdb.Position) error {
	pos := positionFromClient(p)
	if f.from.set && pos.Compare(f.from.after) <= 0 {
		return nil
	}
	f.from = AllAfter(pos)
	if f.opts.Checkpoint == nil {
		return nil
	}
	return f.opts.Checkpoint(ctx, pos)
}

// streamFeed follows one stream.
type streamFeed struct {
	stream string
	from   StreamFrom
}

func (f *streamFeed) opener(ctx context.Context) func(*esdb.Client) (*esdb.Subscription, error) {
	opts := esdb.SubscribeToStreamOptions{From: esdb.Start{}}
	if f.from.set {
		opts.From = esdb.Revision(f.from.after)
	}
	stream := f.stream
	return func(c *esdb.Client) (*esdb.Subscription, error) { return c.SubscribeToStream(ctx, stream, opts) }
}

func (f *streamFeed) seen(ev *esdb.RecordedEvent) bool {
	return f.from.set && ev.EventNumber <= f.from.after
}

func (f *streamFeed) wanted(*esdb.RecordedEvent) bool { return true }

func (f *streamFeed) advance(ev *esdb.RecordedEvent) { f.from = StreamAfter(ev.EventNumber) }

func (f *streamFeed) handled(context.Context, Recorded) error { return nil }

func (f *streamFeed) reached(context.Context, esdb.Position) error { return nil }

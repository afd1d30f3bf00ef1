package store

import (
	"context"
	"errors"
	"fmt"
)

// Delivery is one message of a subscription, in order.
type Delivery struct {
	Event      *Event
	Checkpoint uint64 // when non-zero: a checkpoint at this log position
	CaughtUp   bool
	FellBehind bool
	// Resume is where a subscription stands when it catches up or falls
	// behind, for a client to resume from: the last stream revision
	// delivered or passed (stream subscriptions) or the last $all position
	// considered ($all subscriptions). Nil when it has seen nothing yet
	// (an empty stream or log).
	Resume *uint64
}

// Filter selects events for a $all subscription.
type Filter interface {
	Match(*Event) bool
}

// AllSubscription describes a subscription to $all.
type AllSubscription struct {
	// From is exclusive: a subscription from a position delivers the
	// events after it.
	From   AllFrom
	Filter Filter
	// CheckpointInterval is the number of events considered (matching or
	// not) between two checkpoints; zero disables checkpoints.
	CheckpointInterval int
}

const catchUpPage = 512

// SubscribeAll delivers the matching events of $all after req.From, then
// signals CaughtUp and delivers new events as they are committed. A
// subscriber that lags behind the live feed gets FellBehind and is caught
// up from disk again. It returns when ctx ends, send fails or the store
// closes.
func (s *Store) SubscribeAll(ctx context.Context, req AllSubscription, send func(Delivery) error) error {
	c := &allCursor{s: s, req: req, sendFn: send}
	switch req.From.Kind {
	case FromStart:
		// pos stays 0: catch-up reads from position 1, the first event.
	case FromEnd:
		c.pos = s.hub.lastPosition()
	case FromExact:
		c.pos = req.From.Position
	}
	return s.runSubscription(ctx, c)
}

// cursor is one kind of subscription: what to read from disk, what the
// live feed must have been joined after, and what to make of a live event.
type cursor interface {
	catchUp(ctx context.Context) (seen uint64, err error)
	live(ev *Event) error
	caughtUp() error
	fellBehind() error
	send(Delivery) error
}

func (s *Store) runSubscription(ctx context.Context, c cursor) error {
	for {
		seen, err := c.catchUp(ctx)
		if err != nil {
			return err
		}
		feed, ok, closed := s.hub.join(seen, s.live)
		if closed {
			return ErrClosed
		}
		if !ok {
			continue
		}
		if err := c.caughtUp(); err != nil {
			s.hub.leave(feed)
			return err
		}
		if err := s.followLive(ctx, feed, c); err != nil {
			return err
		}
		if err := c.fellBehind(); err != nil {
			return err
		}
	}
}

// followLive delivers live events until the subscriber lags (nil) or the
// subscription ends (error).
func (s *Store) followLive(ctx context.Context, feed *liveFeed, c cursor) error {
	for {
		select {
		case events, ok := <-feed.ch:
			if !ok {
				if s.hub.isLagged(feed) {
					return nil
				}
				return ErrClosed
			}
			feed.received(events)
			for _, ev := range events {
				if err := c.live(ev); err != nil {
					s.hub.leave(feed)
					return err
				}
			}
		case <-ctx.Done():
			s.hub.leave(feed)
			return fmt.Errorf("subscription ended: %w", ctx.Err())
		}
	}
}

type allCursor struct {
	s          *Store
	req        AllSubscription
	sendFn     func(Delivery) error
	pos        uint64 // last position considered
	considered int
	checkpoint uint64 // last checkpoint sent
}

func (c *allCursor) catchUp(ctx context.Context) (uint64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("subscription ended: %w", err)
		}
		events, err := c.s.ReadAll(Forwards, AllFrom{Kind: FromExact, Position: c.pos + 1}, catchUpPage)
		if err != nil {
			return 0, err
		}
		for _, ev := range events {
			if err := c.consider(ev); err != nil {
				return 0, err
			}
		}
		if len(events) == 0 {
			return c.pos, nil
		}
	}
}

func (c *allCursor) caughtUp() error {
	if c.req.CheckpointInterval > 0 && c.pos > c.checkpoint {
		if err := c.sendCheckpoint(); err != nil {
			return err
		}
	}
	return c.send(Delivery{CaughtUp: true, Resume: c.resume()})
}

func (c *allCursor) fellBehind() error {
	return c.send(Delivery{FellBehind: true, Resume: c.resume()})
}

func (c *allCursor) resume() *uint64 {
	if c.pos == 0 {
		return nil
	}
	pos := c.pos
	return &pos
}

func (c *allCursor) live(ev *Event) error { return c.consider(ev) }

func (c *allCursor) send(d Delivery) error { return c.sendFn(d) }

func (c *allCursor) consider(ev *Event) error {
	if ev.Position <= c.pos {
		return nil
	}
	c.pos = ev.Position
	if c.req.Filter == nil || c.req.Filter.Match(ev) {
		if err := c.send(Delivery{Event: ev}); err != nil {
			return err
		}
	}
	if c.req.CheckpointInterval <= 0 {
		return nil
	}
	c.considered++
	if c.considered < c.req.CheckpointInterval {
		return nil
	}
	return c.sendCheckpoint()
}

func (c *allCursor) sendCheckpoint() error {
	c.considered = 0
	c.checkpoint = c.pos
	return c.send(Delivery{Checkpoint: c.pos})
}

// SubscribeStream delivers the events of stream after from (exclusive for
// a revision), then CaughtUp, then live events. It fails with
// ErrStreamDeleted (in a *StreamError) when the stream is or gets
// tombstoned.
func (s *Store) SubscribeStream(ctx context.Context, stream string, from StreamFrom, send func(Delivery) error) error {
	c := &streamCursor{s: s, stream: stream, rev: -1, sendFn: send}
	switch from.Kind {
	case FromStart:
		// rev stays -1: catch-up reads from revision 0.
	case FromExact:
		c.rev = int64(from.Revision)
	case FromEnd:
		st, err := s.readState(stream)
		if err != nil {
			return err
		}
		if st != nil {
			c.rev = st.last
		}
	}
	return s.runSubscription(ctx, c)
}

type streamCursor struct {
	s      *Store
	stream string
	rev    int64 // last revision delivered (or skipped)
	sendFn func(Delivery) error
}

func (c *streamCursor) send(d Delivery) error { return c.sendFn(d) }

func (c *streamCursor) caughtUp() error {
	return c.send(Delivery{CaughtUp: true, Resume: c.resume()})
}

func (c *streamCursor) fellBehind() error {
	return c.send(Delivery{FellBehind: true, Resume: c.resume()})
}

func (c *streamCursor) resume() *uint64 {
	if c.rev < 0 {
		return nil
	}
	rev := uint64(c.rev)
	return &rev
}

func (c *streamCursor) catchUp(ctx context.Context) (uint64, error) {
	seen := c.s.hub.lastPosition()
	for {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("subscription ended: %w", err)
		}
		events, err := c.s.ReadStream(c.stream, Forwards, StreamFrom{Kind: FromExact, Revision: uint64(c.rev + 1)}, catchUpPage)
		if errors.Is(err, ErrStreamNotFound) {
			return seen, nil
		}
		if err != nil {
			return 0, err
		}
		for _, ev := range events {
			if err := c.live(ev); err != nil {
				return 0, err
			}
		}
		if len(events) == 0 {
			return seen, nil
		}
	}
}

func (c *streamCursor) live(ev *Event) error {
	if ev.Stream != c.stream {
		return nil
	}
	if ev.Revision == deletedStream {
		return &StreamError{Stream: c.stream, Err: ErrStreamDeleted}
	}
	if int64(ev.Revision) <= c.rev {
		return nil
	}
	c.rev = int64(ev.Revision)
	return c.send(Delivery{Event: ev})
}

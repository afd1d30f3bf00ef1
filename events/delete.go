package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// spanDelete names the span of a DeleteStream call.
const spanDelete = "eventstore.delete"

// DeleteStream soft-deletes stream if its last event has the expected revision: from then on the
// stream reads as not found (ErrStreamNotFound); the server's scavenge removes the events' bytes
// later (until then $all may still show them). Appending again recreates the
// stream, its revisions going on from where they stopped. Pass Exact(rev) with the revision read
// when deciding to delete, so that a stream written to since is left alone.
//
// It returns the position of the deletion in $all. Deleting a soft-deleted stream again at the
// same revision succeeds again (the server keeps the stream's last revision), so concurrent
// deleters agree. Errors: *ConflictError (errors.Is ErrConflict) when the stream is not at
// expected, StreamMissing set when it has no events (never written, or soft-deleted and asked at
// another revision); ErrStreamDeleted when it was tombstoned; ErrInvalidStream for a bad name,
// with nothing sent to the server.
func (j *Journal) DeleteStream(ctx context.Context, stream string, expected ExpectedRevision) (Position, error) {
	if err := ValidateStream(stream); err != nil {
		return Position{}, fmt.Errorf("delete: %w", err)
	}
	ctx, span := startSpan(ctx, spanDelete, stream, attrExpected.String(expected.String()))
	defer span.End()
	res, err := clientCall(ctx, j, 0, func(c *esdb.Client) (*esdb.DeleteResult, error) {
		return c.DeleteStream(ctx, stream, esdb.DeleteStreamOptions{ExpectedRevision: expected.toClient()})
	}, nil)
	if err != nil {
		err = j.deleteError(ctx, stream, expected, err)
		recordError(span, err)
		return Position{}, err
	}
	return positionFromClient(res.Position), nil
}

func (j *Journal) deleteError(ctx context.Context, stream string, expected ExpectedRevision, err error) error {
	switch {
	case isDeleteConflict(err):
		return fmt.Errorf("delete: %w", j.conflict(ctx, stream, expected, err))
	case clientCode(err) == esdb.ErrorCodeStreamDeleted:
		return fmt.Errorf("delete %s: %w: %w", stream, ErrStreamDeleted, err)
	default:
		return fmt.Errorf("delete %s: %w", stream, err)
	}
}

// isDeleteConflict reports a refused expected revision. The official client gives deletes no
// error code for it (it reads the server's "wrong-expected-version" trailer for appends only):
// the server answers FailedPrecondition, saying "wrong expected version".
func isDeleteConflict(err error) bool {
	if clientCode(err) == esdb.ErrorCodeWrongExpectedVersion {
		return true
	}
	return status.Code(err) == codes.FailedPrecondition &&
		strings.Contains(strings.ToLower(status.Convert(err).Message()), "wrong expected version")
}

// LastEvent returns the last event of stream, and found=false when the stream has no events
// (never written or soft-deleted). Like LastRevision it reads one event, backwards from the end.
// Errors: ErrStreamDeleted when it was tombstoned, or a decoding error naming the event.
func (j *Journal) LastEvent(ctx context.Context, stream string) (r Recorded, found bool, err error) {
	if err := ValidateStream(stream); err != nil {
		return Recorded{}, false, fmt.Errorf("read: %w", err)
	}
	ctx, span := startSpan(ctx, spanRead, stream, attrMaxCount.Int64(1), attrDirection.String("backwards"))
	defer span.End()
	ev, err := clientCall(ctx, j, 0, func(c *esdb.Client) (*esdb.RecordedEvent, error) {
		return readLast(ctx, c, stream)
	}, nil)
	if err == nil && ev != nil {
		r, err = j.codec.decode(ev)
	}
	if err != nil {
		err = readError(stream, err)
		recordError(span, err)
		return Recorded{}, false, err
	}
	return r, ev != nil, nil
}

// readLast reads the last event of stream; nil when it has none.
func readLast(ctx context.Context, c *esdb.Client, stream string) (*esdb.RecordedEvent, error) {
	rs, err := c.ReadStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	ev, err := rs.Recv()
	switch {
	case errors.Is(err, io.EOF), clientCode(err) == esdb.ErrorCodeResourceNotFound:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return ev.OriginalEvent(), nil
}

// ScanAll hands handle every event of $all matching opts' filters, from opts.From up to the
// point the server reports the subscription caught up (the end of $all as it then was), and
// returns nil. The filters are applied as by SubscribeAll: by the server where it can, so events
// of other types or streams are not sent at all; system events are never handed over.
// opts.Checkpoint, if set, is called as by SubscribeAll.
//
// Unlike SubscribeAll it does not resubscribe: a dropped subscription returns an error, and the
// caller scans again. It needs a server that reports catching up (EventStoreDB 23.10 or later, or
// services/eventstore); give ctx a deadline. Errors from handle stop the scan and are returned,
// wrapped.
func (j *Journal) ScanAll(ctx context.Context, opts SubscribeOptions, handle Handler) error {
	if err := errors.Join(opts.validate(), validateHandler(handle)); err != nil {
		return fmt.Errorf("scan $all: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the subscription
	f := &allFeed{opts: opts, from: opts.From}
	span := startSubscribeSpan(ctx, f)
	sub, err := clientCall(ctx, j, j.openTimeout, f.opener(ctx), func(s *esdb.Subscription) { _ = s.Close() })
	recordError(span, err)
	span.End()
	if err != nil {
		return fmt.Errorf("scan $all: %w", err)
	}
	defer func() { _ = sub.Close() }()
	if err := j.scan(ctx, sub, f, handle); err != nil {
		return fmt.Errorf("scan $all: %w", err)
	}
	return nil
}

// scan receives from sub until it reports catching up.
func (j *Journal) scan(ctx context.Context, sub *esdb.Subscription, f *allFeed, handle Handler) error {
	for {
		msg := sub.Recv()
		switch {
		case msg.SubscriptionDropped != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return dropError(msg.SubscriptionDropped.Error)
		case msg.CaughtUp != nil:
			return nil
		case msg.CheckPointReached != nil:
			if err := f.reached(ctx, *msg.CheckPointReached); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
		case msg.EventAppeared != nil:
			if err := j.deliver(ctx, f, msg.EventAppeared.OriginalEvent(), handle); err != nil {
				return err
			}
		}
	}
}

package events

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// ReadStream returns every event of stream, oldest first, fetching pages of the configured size
// (WithReadPageSize). Events appended while it reads may or may not be included.
// Errors: ErrStreamNotFound when the stream has no events (never written or soft-deleted),
// ErrStreamDeleted when it was tombstoned, a decoding error (ErrUnknownEventType,
// ErrSchemaTooNew...) naming the event that could not be decoded.
func (j *Journal) ReadStream(ctx context.Context, stream string) ([]Recorded, error) {
	var all []Recorded
	var from uint64
	for {
		page, err := j.ReadStreamFrom(ctx, stream, from, j.pageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if uint64(len(page)) < j.pageSize {
			return all, nil
		}
		from = page[len(page)-1].Revision + 1
	}
}

// ReadStreamFrom returns at most maxCount (>= 1) events of stream with a revision at or after
// from, oldest first. An empty slice means the stream exists but has nothing from there on.
// Errors are those of ReadStream.
func (j *Journal) ReadStreamFrom(ctx context.Context, stream string, from, maxCount uint64) ([]Recorded, error) {
	ctx, span := startReadSpan(ctx, stream, from, maxCount)
	defer span.End()
	out, err := j.readStreamFrom(ctx, stream, from, maxCount)
	readDone(span, out, err)
	return out, err
}

// LastRevision returns the revision of the last event of stream, and found=false when the stream
// has no events (never written or soft-deleted). It reads one event, backwards from the end, so
// it costs the same however long the stream is. Errors: ErrStreamDeleted when it was tombstoned.
func (j *Journal) LastRevision(ctx context.Context, stream string) (rev uint64, found bool, err error) {
	if err := ValidateStream(stream); err != nil {
		return 0, false, fmt.Errorf("read: %w", err)
	}
	ctx, span := startSpan(ctx, spanRead, stream, attrMaxCount.Int64(1), attrDirection.String("backwards"))
	defer span.End()
	rev, found, err = j.lastRevision(ctx, stream)
	if err != nil {
		err = readError(stream, err)
	}
	recordError(span, err)
	if err == nil && found {
		span.SetAttributes(attrNext.Int64(clampInt64(rev + 1)))
	}
	return rev, found, err
}

func (j *Journal) readStreamFrom(ctx context.Context, stream string, from, maxCount uint64) ([]Recorded, error) {
	if err := ValidateStream(stream); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if maxCount == 0 {
		return nil, fmt.Errorf("read %s: maxCount must be at least 1", stream)
	}
	out, err := clientCall(ctx, j, 0, func(c *esdb.Client) ([]Recorded, error) {
		return j.readPage(ctx, c, stream, from, maxCount)
	}, nil)
	if err != nil {
		return nil, readError(stream, err)
	}
	return out, nil
}

func (j *Journal) readPage(ctx context.Context, c *esdb.Client, stream string, from, maxCount uint64) ([]Recorded, error) {
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}
	rs, err := c.ReadStream(ctx, stream, opts, maxCount)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := make([]Recorded, 0, min(maxCount, 64))
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		r, err := j.codec.decode(ev.OriginalEvent())
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
}

func readError(stream string, err error) error {
	switch clientCode(err) {
	case esdb.ErrorCodeResourceNotFound:
		return fmt.Errorf("read %s: %w", stream, ErrStreamNotFound)
	case esdb.ErrorCodeStreamDeleted:
		return fmt.Errorf("read %s: %w: %w", stream, ErrStreamDeleted, err)
	default:
		return fmt.Errorf("read %s: %w", stream, err)
	}
}

package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// AppendResult says where an Append put its last event: NextRevision is that event's revision
// (the Exact revision to expect for the next append), Position its place in $all.
type AppendResult struct {
	NextRevision uint64
	Position     Position
}

// Append writes evs atomically to the end of stream if the stream is at the expected revision.
//
// All events are written or none. Retrying an Append with the same event IDs (see EventID) after
// a timeout is safe: the server stores them once and the retry succeeds with the same result.
// Errors: *ConflictError (errors.Is ErrConflict) when the stream is not at expected;
// ErrStreamDeleted for a tombstoned stream; ErrInvalidStream or ErrInvalidEvent for bad input,
// with nothing sent to the server.
func (j *Journal) Append(ctx context.Context, stream string, expected ExpectedRevision, evs ...Event) (AppendResult, error) {
	ctx, span := startAppendSpan(ctx, stream, expected, len(evs))
	defer span.End()
	res, err := j.appendEvents(ctx, stream, expected, evs)
	appended(span, res, err)
	return res, err
}

func (j *Journal) appendEvents(ctx context.Context, stream string, expected ExpectedRevision, evs []Event) (AppendResult, error) {
	data, err := j.encodeAll(stream, evs)
	if err != nil {
		return AppendResult{}, err
	}
	res, err := clientCall(ctx, j, 0, func(c *esdb.Client) (*esdb.WriteResult, error) {
		opts := esdb.AppendToStreamOptions{ExpectedRevision: expected.toClient()}
		return c.AppendToStream(ctx, stream, opts, data...)
	}, nil)
	if err != nil {
		return AppendResult{}, j.appendError(ctx, stream, expected, err)
	}
	return AppendResult{
		NextRevision: res.NextExpectedVersion,
		Position:     Position{Commit: res.CommitPosition, Prepare: res.PreparePosition},
	}, nil
}

func (j *Journal) encodeAll(stream string, evs []Event) ([]esdb.EventData, error) {
	if err := ValidateStream(stream); err != nil {
		return nil, fmt.Errorf("append: %w", err)
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("append to %s: %w: no events given", stream, ErrInvalidEvent)
	}
	data := make([]esdb.EventData, len(evs))
	for i, e := range evs {
		d, err := j.codec.encode(e)
		if err != nil {
			return nil, fmt.Errorf("append to %s: event %d: %w", stream, i, err)
		}
		data[i] = d
	}
	return data, nil
}

func (j *Journal) appendError(ctx context.Context, stream string, expected ExpectedRevision, err error) error {
	switch clientCode(err) {
	case esdb.ErrorCodeWrongExpectedVersion:
		return j.conflict(ctx, stream, expected, err)
	case esdb.ErrorCodeStreamDeleted:
		return fmt.Errorf("append to %s: %w: %w", stream, ErrStreamDeleted, err)
	default:
		return fmt.Errorf("append to %s: %w", stream, err)
	}
}

// currentRevision matches the actual revision in the client's wrong-expected-version message:
// "wrong expected version: expecting '<x>' but got '<y>'".
var currentRevision = regexp.MustCompile(`but got '([^']*)'`)

// conflict builds the ConflictError. The official client reports the actual revision only in its
// message; when that cannot be parsed, the stream's last event is read instead.
func (j *Journal) conflict(ctx context.Context, stream string, expected ExpectedRevision, err error) error {
	ce := &ConflictError{Stream: stream, Expected: expected}
	if m := currentRevision.FindStringSubmatch(err.Error()); m != nil {
		if m[1] == "no_stream" {
			ce.StreamMissing = true
			return ce
		}
		if rev, perr := strconv.ParseUint(m[1], 10, 64); perr == nil {
			ce.Actual = rev
			return ce
		}
	}
	rev, found, rerr := j.lastRevision(ctx, stream)
	if rerr != nil {
		return fmt.Errorf("%w (reading actual revision: %w)", ce, rerr)
	}
	ce.Actual, ce.StreamMissing = rev, !found
	return ce
}

// lastRevision returns the revision of the last event of stream and whether the stream exists.
func (j *Journal) lastRevision(ctx context.Context, stream string) (uint64, bool, error) {
	last, err := clientCall(ctx, j, 0, func(c *esdb.Client) (*esdb.RecordedEvent, error) {
		opts := esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}
		rs, err := c.ReadStream(ctx, stream, opts, 1)
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
	}, nil)
	if err != nil || last == nil {
		return 0, false, err
	}
	return last.EventNumber, true, nil
}

// clientCode returns the official client's error code of err, or ErrorCodeUnknown.
func clientCode(err error) esdb.ErrorCode {
	var e *esdb.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return esdb.ErrorCodeUnknown
}

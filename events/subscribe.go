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

// Handler handles one event of a subscription. Events reach it one at a time, in commit order.
// Returning an error stops the subscription with that error, and the event does not count as
// handled.
type Handler func(ctx context.Context, r Recorded) error

// AllFrom says where a subscription to $all starts. The zero value is the start of $all.
type AllFrom struct {
	after Position
	set   bool
}

// AllFromStart starts at the first event of $all.
func AllFromStart() AllFrom { return AllFrom{} }

// AllAfter starts just after p: the first event delivered is the first one after p. Pass the
// last checkpoint a subscriber stored.
func AllAfter(p Position) AllFrom { return AllFrom{after: p, set: true} }

// StreamFrom says where a subscription to one stream starts. The zero value is the stream's
// first event.
type StreamFrom struct {
	after uint64
	set   bool
}

// StreamFromStart starts at the stream's first event.
func StreamFromStart() StreamFrom { return StreamFrom{} }

// StreamAfter starts just after revision rev: pass the revision of the last event handled.
func StreamAfter(rev uint64) StreamFrom { return StreamFrom{after: rev, set: true} }

// SubscribeOptions configures SubscribeAll.
type SubscribeOptions struct {
	// From is where to start; the zero value is the start of $all.
	From AllFrom
	// StreamPrefixes keeps only events of streams whose name starts with one of these, for
	// example "journey-". Empty keeps every stream.
	StreamPrefixes []string
	// EventTypePrefixes keeps only events whose type starts with one of these, for example
	// "pathways.journey.v1.". Empty keeps every type.
	EventTypePrefixes []string
	// Checkpoint, if set, is called with a position the subscriber may resume from (by
	// AllAfter) without missing an event: after each handled event with its position, and when
	// the server reports a filtered checkpoint beyond it. An error stops the subscription.
	Checkpoint func(ctx context.Context, p Position) error
}

// validate checks the options; errors name the field.
func (o SubscribeOptions) validate() error {
	var errs []error
	for i, p := range o.StreamPrefixes {
		if p == "" {
			errs = append(errs, fmt.Errorf("StreamPrefixes[%d] must not be empty", i))
		}
	}
	for i, p := range o.EventTypePrefixes {
		if p == "" {
			errs = append(errs, fmt.Errorf("EventTypePrefixes[%d] must not be empty", i))
		}
	}
	return errors.Join(errs...)
}

func validateHandler(h Handler) error {
	if h == nil {
		return errors.New("handler must not be nil")
	}
	return nil
}

// serverFilter is the filter the server applies. The server takes one filter, so with both kinds
// of prefix the stream prefixes go to the server and the event types are checked in wanted.
// Without prefixes, system events are excluded server-side, which also makes the server send
// checkpoints.
func (o SubscribeOptions) serverFilter() *esdb.SubscriptionFilter {
	switch {
	case len(o.StreamPrefixes) > 0:
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: o.StreamPrefixes}
	case len(o.EventTypePrefixes) > 0:
		return &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Prefixes: o.EventTypePrefixes}
	default:
		return esdb.ExcludeSystemEventsFilter()
	}
}

// wanted reports whether ev passes every filter; system events ("$" types or streams) never do.
func (o SubscribeOptions) wanted(ev *esdb.RecordedEvent) bool {
	if strings.HasPrefix(ev.EventType, "$") || strings.HasPrefix(ev.StreamID, "$") {
		return false
	}
	return hasAnyPrefix(ev.StreamID, o.StreamPrefixes) && hasAnyPrefix(ev.EventType, o.EventTypePrefixes)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// SubscribeAll runs a catch-up subscription to $all: it hands every matching event from
// opts.From on to handle, then keeps handing new ones as they are committed. System events are
// never handed over.
//
// It blocks until ctx is done (returning ctx.Err()) or until handle, opts.Checkpoint or decoding
// an event fails (returning that error, wrapped). When the subscription drops (server restart,
// network), it resubscribes after the journal's Backoff from the last handled position: no event
// handed over successfully is handed over again, and none is skipped. Errors that retrying cannot
// fix (access denied, bad filter, journal closed) are returned. Handlers run on the calling
// goroutine, so they need no locking of their own; many SubscribeAll calls may run at once.
func (j *Journal) SubscribeAll(ctx context.Context, opts SubscribeOptions, handle Handler) error {
	if err := errors.Join(opts.validate(), validateHandler(handle)); err != nil {
		return fmt.Errorf("subscribe to $all: %w", err)
	}
	f := &allFeed{opts: opts, from: opts.From}
	if err := j.follow(ctx, f, handle); err != nil {
		return fmt.Errorf("subscribe to $all: %w", err)
	}
	return nil
}

// SubscribeStream runs a catch-up subscription to one stream, with the guarantees and return
// values of SubscribeAll. The stream need not exist yet. It ends with ErrStreamDeleted if the
// stream is tombstoned.
func (j *Journal) SubscribeStream(ctx context.Context, stream string, from StreamFrom, handle Handler) error {
	if err := errors.Join(ValidateStream(stream), validateHandler(handle)); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	f := &streamFeed{stream: stream, from: from}
	if err := j.follow(ctx, f, handle); err != nil {
		return fmt.Errorf("subscribe to %s: %w", stream, err)
	}
	return nil
}

// isPermanent reports whether resubscribing cannot help.
func isPermanent(err error) bool {
	if errors.Is(err, ErrClosed) || errors.Is(err, ErrStreamDeleted) {
		return true
	}
	switch clientCode(err) {
	case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied, esdb.ErrorCodeStreamDeleted,
		esdb.ErrorCodeUnsupportedFeature:
		return true
	}
	switch status.Code(err) {
	case codes.InvalidArgument, codes.Unauthenticated, codes.PermissionDenied, codes.Unimplemented:
		return true
	}
	return false
}

// Package retention deletes the record of a journey once records retention has passed: a
// Sweeper finds the journeys whose stream ended (its last JourneyClosed or JourneyCancelled)
// more than the retention period ago and soft-deletes their event streams; the event store's
// scavenge then removes the bytes.
//
// Finding them costs one filtered read of $all (the server sends only those two event types) and
// memory for the journeys past the cut-off only. Each journey is decided on a fresh read of its
// stream's last event, and deleted at that revision: a journey written to since (reopened,
// corrected) is kept. Several coordinator replicas may sweep at once: a stream another replica
// deleted first reads as gone and is skipped, and a delete refused for its revision deletes
// nothing, so sweeping is idempotent.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/metric"
	"google.golang.org/protobuf/types/known/timestamppb"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/platform/records"
)

// DefaultInterval is how often Run sweeps.
const DefaultInterval = 24 * time.Hour

// Journal is what a Sweeper needs of the event store; *events.Journal satisfies it.
type Journal interface {
	ScanAll(ctx context.Context, opts events.SubscribeOptions, handle events.Handler) error
	LastEvent(ctx context.Context, stream string) (events.Recorded, bool, error)
	DeleteStream(ctx context.Context, stream string, expected events.ExpectedRevision) (events.Position, error)
}

// Config configures a Sweeper.
type Config struct {
	// Retention is how long a journey's record is kept after it ended; required.
	Retention records.Retention
	// Interval is how often Run sweeps; 0 or less: Run does nothing.
	Interval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives one line per deleted journey (its id only) and per failed sweep; nil means
	// slog.Default().
	Log *slog.Logger
	// Meters records the counters (see newMetrics); nil means the global MeterProvider.
	Meters metric.MeterProvider
}

// Result counts what one sweep did with the journeys that ended before the cut-off.
type Result struct {
	// Expired journeys ended before the cut-off; each is counted in one of the others.
	Expired int
	// Deleted journeys' streams were soft-deleted by this sweep.
	Deleted int
	// Gone journeys' streams were already deleted (by another replica or an earlier sweep).
	Gone int
	// Kept journeys were written to after the cut-off, or after this sweep's decision read.
	Kept int
	// Failed journeys could not be decided or deleted; the next sweep tries again.
	Failed int
}

// Sweeper deletes the streams of journeys past retention. It is safe for concurrent use; Sweep
// calls share nothing but the Journal.
type Sweeper struct {
	j       Journal
	cfg     Config
	metrics *metrics
}

// New returns a Sweeper over j.
func New(j Journal, cfg Config) (*Sweeper, error) {
	if j == nil {
		return nil, errors.New("retention: journal is required")
	}
	if err := cfg.Retention.Validate("records-retention"); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	m, err := newMetrics(cfg.Meters)
	if err != nil {
		return nil, err
	}
	return &Sweeper{j: j, cfg: cfg, metrics: m}, nil
}

// endTypes are the event types that end a journey.
var endTypes = []string{
	string((&journeyv1.JourneyClosed{}).ProtoReflect().Descriptor().FullName()),
	string((&journeyv1.JourneyCancelled{}).ProtoReflect().Descriptor().FullName()),
}

// Sweep deletes the streams of the journeys that ended before the cut-off (the clock minus the
// retention). It returns what it did; an error means the scan failed (nothing more was done) or
// some journeys failed (the others were swept).
func (s *Sweeper) Sweep(ctx context.Context) (Result, error) {
	cutoff := s.cfg.Retention.Cutoff(s.cfg.Now())
	expired, err := s.expired(ctx, cutoff)
	if err != nil {
		s.metrics.sweep(ctx, err)
		return Result{}, fmt.Errorf("records retention sweep: %w", err)
	}
	res := Result{Expired: len(expired)}
	var first error
	for _, stream := range expired {
		if err := ctx.Err(); err != nil {
			first = err
			break
		}
		if err := s.sweepOne(ctx, stream, cutoff, &res); err != nil {
			res.Failed++
			s.cfg.Log.WarnContext(ctx, "records retention: journey not swept", "journey_id", journeyID(stream), "error", err)
			first = cmpOr(first, err)
		}
	}
	if first != nil {
		first = fmt.Errorf("records retention sweep: %d of %d journeys past retention not swept: %w", res.Expired-res.Deleted-res.Gone-res.Kept, res.Expired, first)
	}
	s.metrics.sweep(ctx, first)
	return res, first
}

// expired returns the journey streams whose last end event occurred before cutoff, sorted.
func (s *Sweeper) expired(ctx context.Context, cutoff time.Time) ([]string, error) {
	ended := map[string]struct{}{}
	err := s.j.ScanAll(ctx, events.SubscribeOptions{EventTypePrefixes: endTypes}, func(_ context.Context, r events.Recorded) error {
		at, ok := endedAt(r)
		switch {
		case !ok || events.Category(r.Stream) != events.JourneyCategory:
		case at.Before(cutoff):
			ended[r.Stream] = struct{}{}
		default: // ended again since (a later end event counts): not past retention
			delete(ended, r.Stream)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ended))
	for stream := range ended {
		out = append(out, stream)
	}
	slices.Sort(out)
	return out, nil
}

// sweepOne decides one journey on its stream's last event and deletes it at that revision.
func (s *Sweeper) sweepOne(ctx context.Context, stream string, cutoff time.Time, res *Result) error {
	last, found, err := s.j.LastEvent(ctx, stream)
	switch {
	case errors.Is(err, events.ErrStreamDeleted), err == nil && !found:
		res.Gone++
		return nil
	case err != nil:
		return err
	case !occurredAt(last).Before(cutoff):
		res.Kept++ // written to since it ended, inside retention
		return nil
	}
	_, err = s.j.DeleteStream(ctx, stream, events.Exact(last.Revision))
	var conflict *events.ConflictError
	switch {
	case errors.As(err, &conflict) && conflict.StreamMissing, errors.Is(err, events.ErrStreamDeleted):
		res.Gone++
	case errors.As(err, &conflict):
		res.Kept++ // written to since the decision read
	case err != nil:
		return err
	default:
		res.Deleted++
		s.metrics.deleted(ctx)
		s.cfg.Log.InfoContext(ctx, "records retention: journey record deleted", "journey_id", journeyID(stream),
			"retention", s.cfg.Retention.String())
	}
	return nil
}

// endedAt is when an end event says the journey ended (see occurredAt); ok is false for other
// events.
func endedAt(r events.Recorded) (at time.Time, ok bool) {
	switch r.Payload.(type) {
	case *journeyv1.JourneyClosed, *journeyv1.JourneyCancelled:
		return occurredAt(r), true
	}
	return time.Time{}, false
}

// occurredAt is when an event happened in the domain: its payload's occurred_at (every journey
// event has one), else the time given at append, else when it was stored.
func occurredAt(r events.Recorded) time.Time {
	if r.Payload != nil {
		m := r.Payload.ProtoReflect()
		if fd := m.Descriptor().Fields().ByName("occurred_at"); fd != nil && fd.Message() != nil && m.Has(fd) {
			if ts, ok := m.Get(fd).Message().Interface().(*timestamppb.Timestamp); ok && ts.IsValid() {
				return ts.AsTime()
			}
		}
	}
	if !r.Meta.OccurredAt.IsZero() {
		return r.Meta.OccurredAt
	}
	return r.Created
}

func journeyID(stream string) string {
	return strings.TrimPrefix(stream, events.JourneyCategory+"-")
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

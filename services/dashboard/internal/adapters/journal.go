package adapters

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/dashboard/internal/domain"
)

// markerCategory is the stream category of rebuild markers: a rebuild appends one marker and
// replays $all up to it, so it knows it has seen every journey event committed before it began.
const markerCategory = "dashboardrebuild"

var errReachedMarker = errors.New("reached rebuild marker")

// Rebuild replays every journey-* stream through the journal from the start of $all, translating
// events to facts and handing them to apply in batches of up to batch facts, until it reaches the
// marker it appended first. It returns the number of facts applied.
func Rebuild(ctx context.Context, j *events.Journal, batch int, apply func(context.Context, []domain.Fact) error) (int, error) {
	marker := events.Stream(markerCategory, uuid.NewString())
	if _, err := j.Append(ctx, marker, events.NoStream(), events.Event{ID: uuid.New(), Payload: &emptypb.Empty{},
		Meta: events.Metadata{Actor: "dashboard-rebuild"}}); err != nil {
		return 0, fmt.Errorf("append rebuild marker: %w", err)
	}
	t := NewTranslator()
	var pending []domain.Fact
	total := 0
	flush := func(ctx context.Context) error {
		if len(pending) == 0 {
			return nil
		}
		if err := apply(ctx, pending); err != nil {
			return err
		}
		total += len(pending)
		pending = pending[:0]
		return nil
	}
	opts := events.SubscribeOptions{StreamPrefixes: []string{events.JourneyCategory + "-", marker}}
	err := j.SubscribeAll(ctx, opts, func(ctx context.Context, r events.Recorded) error {
		if r.Stream == marker {
			if err := flush(ctx); err != nil {
				return err
			}
			return errReachedMarker
		}
		pending = append(pending, t.Translate(r)...)
		if len(pending) >= batch {
			return flush(ctx)
		}
		return nil
	})
	if errors.Is(err, errReachedMarker) {
		return total, nil
	}
	return total, fmt.Errorf("rebuild from the event store: %w", err)
}

package events_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/nhs-pathways/pathways/events"
)

// A command handler appends with the revision it decided on, under a deterministic event ID so
// a retried activity stores the event once.
func ExampleJournal_Append() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j, err := events.Open(ctx, "esdb://127.0.0.1:2113?tls=false")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = j.Close() }()

	journeyID := "0b6c3c1e-5d1a-4a8e-9f4e-2c9d7f1b8a01"
	_, err = j.Append(ctx, events.JourneyStream(journeyID), events.Exact(3), events.Event{
		ID:      events.EventID("journey", journeyID, "triaged"),
		Payload: wrapperspb.String("physiotherapy"), // a pathways.journey.v1 message in real code
		Meta:    events.Metadata{Actor: "coordinator:42", CorrelationID: journeyID},
	})
	var conflict *events.ConflictError
	if errors.As(err, &conflict) {
		fmt.Println("someone else moved the journey on; its last revision is", conflict.Actual)
	}
}

// A read model follows every journey from its stored checkpoint, resuming by itself after drops.
func ExampleJournal_SubscribeAll() {
	ctx := context.Background()
	j, err := events.Open(ctx, "esdb://127.0.0.1:2113?tls=false")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = j.Close() }()

	from := events.AllFromStart()
	stored, found := loadCheckpoint()
	if found {
		from = events.AllAfter(stored)
	}
	err = j.SubscribeAll(ctx, events.SubscribeOptions{
		From:           from,
		StreamPrefixes: []string{events.JourneyCategory + "-"},
		Checkpoint: func(_ context.Context, p events.Position) error {
			stored = p // persist it, in the same transaction as the state where possible
			return nil
		},
	}, func(_ context.Context, r events.Recorded) error {
		fmt.Println(r.Stream, r.Revision, r.Type)
		return nil
	})
	fmt.Println(err)
}

// loadCheckpoint stands for reading the read model's checkpoint from its own database.
func loadCheckpoint() (events.Position, bool) { return events.Position{}, false }

package events_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/nhs-pathways/pathways/events"
)

func TestDeleteStreamAtExpectedRevision(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	_, err := j.Append(ctx, stream, events.NoStream(), stringEvents("e", 2)...)
	require.NoError(t, err)

	_, err = j.DeleteStream(ctx, stream, events.Exact(0))
	var ce *events.ConflictError
	require.ErrorAs(t, err, &ce, "a stream written to since the decision is not deleted")
	require.Equal(t, uint64(1), ce.Actual)
	got, err := j.ReadStream(ctx, stream)
	require.NoError(t, err)
	require.Len(t, got, 2, "a refused delete changes nothing")

	pos, err := j.DeleteStream(ctx, stream, events.Exact(1))
	require.NoError(t, err)
	require.NotZero(t, pos.Commit)
	_, err = j.ReadStream(ctx, stream)
	require.ErrorIs(t, err, events.ErrStreamNotFound, "a deleted stream reads as not found")
	_, found, err := j.LastEvent(ctx, stream)
	require.NoError(t, err)
	require.False(t, found)

	_, err = j.DeleteStream(ctx, stream, events.Exact(1))
	require.NoError(t, err, "deleting again at the same revision (another replica) succeeds")
	_, err = j.ReadStream(ctx, stream)
	require.ErrorIs(t, err, events.ErrStreamNotFound)
	_, err = j.DeleteStream(ctx, stream, events.Exact(0))
	require.ErrorAs(t, err, &ce, "at another revision it is a conflict")
	require.True(t, ce.StreamMissing, "naming the stream as gone")
	_, err = j.DeleteStream(ctx, newJourney(), events.Exact(0))
	require.ErrorAs(t, err, &ce, "a stream never written")
	require.True(t, ce.StreamMissing)
	_, err = j.DeleteStream(ctx, "$all", events.Any())
	require.ErrorIs(t, err, events.ErrInvalidStream)
}

func TestDeleteLastEvent(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	_, found, err := j.LastEvent(ctx, stream)
	require.NoError(t, err)
	require.False(t, found, "a stream never written has no last event")
	evs := stringEvents("e", 3)
	_, err = j.Append(ctx, stream, events.NoStream(), evs...)
	require.NoError(t, err)
	last, found, err := j.LastEvent(ctx, stream)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(2), last.Revision)
	require.Equal(t, evs[2].ID, last.ID)
	require.Equal(t, "ec", last.Payload.(*wrapperspb.StringValue).GetValue())
}

func TestDeleteScanAllEndsAndFilters(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	a, b := newJourney(), events.Stream("other", uuid.NewString())
	resA, err := j.Append(ctx, a, events.NoStream(), stringEvents("a", 3)...)
	require.NoError(t, err)
	other, err := structpb.NewStruct(map[string]any{"k": "v"})
	require.NoError(t, err)
	_, err = j.Append(ctx, b, events.NoStream(), events.Event{Payload: other}, stringEvent(uuid.New(), "b"))
	require.NoError(t, err)

	var got []events.Recorded
	err = j.ScanAll(ctx, events.SubscribeOptions{EventTypePrefixes: []string{"google.protobuf.StringValue"}},
		func(_ context.Context, r events.Recorded) error {
			got = append(got, r)
			return nil
		})
	require.NoError(t, err, "the scan ends by itself at the end of $all")
	require.Equal(t, []string{"aa", "ab", "ac", "b"}, payloads(got), "only the matching type, in commit order")

	got = nil
	err = j.ScanAll(ctx, events.SubscribeOptions{From: events.AllAfter(resA.Position), StreamPrefixes: []string{"other-"}},
		func(_ context.Context, r events.Recorded) error {
			got = append(got, r)
			return nil
		})
	require.NoError(t, err)
	require.Len(t, got, 2, "by stream prefix, from a position")
	got = nil
	err = j.ScanAll(ctx, events.SubscribeOptions{From: events.AllAfter(resA.Position), StreamPrefixes: []string{a}},
		func(_ context.Context, r events.Recorded) error {
			got = append(got, r)
			return nil
		})
	require.NoError(t, err)
	require.Empty(t, got, "nothing at or before From")

	err = j.ScanAll(ctx, events.SubscribeOptions{}, func(context.Context, events.Recorded) error { return context.Canceled })
	require.ErrorIs(t, err, context.Canceled, "a handler error stops the scan")
	require.Error(t, j.ScanAll(ctx, events.SubscribeOptions{}, nil), "a nil handler is refused")
}

package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/nhs-pathways/pathways/events"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newJourney() string { return events.JourneyStream(uuid.NewString()) }

func stringEvent(id uuid.UUID, s string) events.Event {
	return events.Event{ID: id, Payload: wrapperspb.String(s)}
}

func stringEvents(prefix string, n int) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		out[i] = stringEvent(uuid.New(), prefix+string(rune('a'+i%26)))
	}
	return out
}

func payloads(rs []events.Recorded) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Payload.(*wrapperspb.StringValue).GetValue()
	}
	return out
}

func TestAppendAndReadRoundTrip(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	referral, err := structpb.NewStruct(map[string]any{"pathway": "msk", "route": "self-referral"})
	require.NoError(t, err)
	occurred := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	meta := events.Metadata{SchemaVersion: 1, Actor: "coordinator:12", CorrelationID: "corr", CausationID: "cmd", OccurredAt: occurred}
	first := events.Event{ID: events.EventID("referral", "r1"), Payload: referral, Meta: meta}
	second := stringEvent(events.EventID("triage", "r1"), "physio")

	before := time.Now()
	res, err := j.Append(ctx, stream, events.NoStream(), first, second)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.NextRevision)

	got, err := j.ReadStream(ctx, stream)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, stream, got[0].Stream)
	require.Equal(t, []uint64{0, 1}, []uint64{got[0].Revision, got[1].Revision})
	require.Equal(t, first.ID, got[0].ID)
	require.Equal(t, "google.protobuf.Struct", got[0].Type)
	require.True(t, proto.Equal(referral, got[0].Payload))
	require.Equal(t, meta, got[0].Meta)
	require.Equal(t, 1, got[1].Meta.SchemaVersion)
	require.WithinRange(t, got[1].Meta.OccurredAt, before.Add(-time.Second), time.Now().Add(time.Second), "zero OccurredAt means now")
	require.WithinRange(t, got[0].Created, before.Add(-time.Minute), time.Now().Add(time.Minute))
	require.Equal(t, -1, got[0].Position.Compare(got[1].Position))
	require.GreaterOrEqual(t, res.Position.Commit, got[0].Position.Commit, "the append result points at its last event or later")
}

func TestAppendConflicts(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	existing := newJourney()
	_, err := j.Append(ctx, existing, events.NoStream(), stringEvents("x", 2)...)
	require.NoError(t, err)

	tests := []struct {
		name     string
		stream   string
		expected events.ExpectedRevision
		want     events.ConflictError
	}{
		{"no stream on existing", existing, events.NoStream(), events.ConflictError{Actual: 1}},
		{"stale exact", existing, events.Exact(0), events.ConflictError{Actual: 1}},
		{"stream exists on missing", "", events.StreamExists(), events.ConflictError{StreamMissing: true}},
		{"exact on missing", "", events.Exact(3), events.ConflictError{StreamMissing: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := tt.stream
			if stream == "" {
				stream = newJourney()
			}
			_, err := j.Append(ctx, stream, tt.expected, stringEvent(uuid.New(), "late"))
			require.ErrorIs(t, err, events.ErrConflict)
			var conflict *events.ConflictError
			require.ErrorAs(t, err, &conflict)
			tt.want.Stream, tt.want.Expected = stream, tt.expected
			require.Equal(t, tt.want, *conflict)
		})
	}
	got, err := j.ReadStream(ctx, existing)
	require.NoError(t, err)
	require.Len(t, got, 2, "refused appends wrote nothing")
}

func TestAppendRetryWithSameEventIDStoresOnce(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	stream := newJourney()
	ev := stringEvent(events.EventID("journey", stream, "referred"), "referred")
	first, err := j.Append(ctx, stream, events.NoStream(), ev)
	require.NoError(t, err)
	retry, err := j.Append(ctx, stream, events.NoStream(), ev)
	require.NoError(t, err, "a retry of the same event succeeds")
	require.Equal(t, first.NextRevision, retry.NextRevision)
	got, err := j.ReadStream(ctx, stream)
	require.NoError(t, err)
	require.Len(t, got, 1)
}

func TestReadStreamPagesAndRanges(t *testing.T) {
	j := openJournal(t, startServer(t).URL(), events.WithReadPageSize(3))
	ctx := testCtx(t)
	stream := newJourney()
	evs := stringEvents("p", 10)
	_, err := j.Append(ctx, stream, events.NoStream(), evs...)
	require.NoError(t, err)

	all, err := j.ReadStream(ctx, stream)
	require.NoError(t, err)
	require.Len(t, all, 10, "pages of 3 are joined")
	for i, r := range all {
		require.Equal(t, uint64(i), r.Revision)
		require.Equal(t, evs[i].ID, r.ID)
	}
	part, err := j.ReadStreamFrom(ctx, stream, 4, 3)
	require.NoError(t, err)
	require.Equal(t, []string{"pe", "pf", "pg"}, payloads(part))
	tail, err := j.ReadStreamFrom(ctx, stream, 10, 5)
	require.NoError(t, err)
	require.Empty(t, tail)
}

func TestLastRevision(t *testing.T) {
	j := openJournal(t, startServer(t).URL(), events.WithReadPageSize(3))
	ctx := testCtx(t)
	stream := newJourney()
	_, found, err := j.LastRevision(ctx, stream)
	require.NoError(t, err)
	require.False(t, found, "a stream never written has no last revision")

	_, err = j.Append(ctx, stream, events.NoStream(), stringEvents("r", 7)...)
	require.NoError(t, err)
	rev, found, err := j.LastRevision(ctx, stream)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(6), rev, "beyond one read page: the last of 7 events")

	_, _, err = j.LastRevision(ctx, "not a stream")
	require.Error(t, err)
}

func TestBadInputChangesNothing(t *testing.T) {
	j := openJournal(t, startServer(t).URL())
	ctx := testCtx(t)
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"append to invalid stream", func() error {
			_, err := j.Append(ctx, events.JourneyStream(""), events.Any(), stringEvent(uuid.New(), "x"))
			return err
		}, events.ErrInvalidStream},
		{"append nothing", func() error { _, err := j.Append(ctx, newJourney(), events.Any()); return err }, events.ErrInvalidEvent},
		{"append nil payload", func() error {
			_, err := j.Append(ctx, newJourney(), events.Any(), stringEvent(uuid.New(), "ok"), events.Event{})
			return err
		}, events.ErrInvalidEvent},
		{"read invalid stream", func() error { _, err := j.ReadStream(ctx, "journey"); return err }, events.ErrInvalidStream},
		{"read missing stream", func() error { _, err := j.ReadStream(ctx, newJourney()); return err }, events.ErrStreamNotFound},
		{"read zero events", func() error { _, err := j.ReadStreamFrom(ctx, newJourney(), 0, 0); return err }, nil},
		{"subscribe with empty prefix", func() error {
			err := j.SubscribeAll(ctx, events.SubscribeOptions{StreamPrefixes: []string{""}}, func(context.Context, events.Recorded) error { return nil })
			require.ErrorContains(t, err, "StreamPrefixes[0] must not be empty")
			return err
		}, nil},
		{"subscribe without handler", func() error {
			err := j.SubscribeStream(ctx, newJourney(), events.StreamFromStart(), nil)
			require.ErrorContains(t, err, "handler must not be nil")
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestDeletedAndUndecodableStreams(t *testing.T) {
	srv := startServer(t)
	conf, err := esdb.ParseConnectionString(srv.URL())
	require.NoError(t, err)
	conf.Logger = esdb.NoopLogging()
	client, err := esdb.NewClient(conf)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	j := events.New(client) // shares the caller's client
	ctx := testCtx(t)

	t.Run("tombstoned", func(t *testing.T) {
		stream := newJourney()
		_, err := j.Append(ctx, stream, events.NoStream(), stringEvent(uuid.New(), "x"))
		require.NoError(t, err)
		_, err = client.TombstoneStream(ctx, stream, esdb.TombstoneStreamOptions{})
		require.NoError(t, err)
		_, err = j.ReadStream(ctx, stream)
		require.ErrorIs(t, err, events.ErrStreamDeleted)
		_, _, err = j.LastRevision(ctx, stream)
		require.ErrorIs(t, err, events.ErrStreamDeleted)
		_, err = j.Append(ctx, stream, events.Any(), stringEvent(uuid.New(), "y"))
		require.ErrorIs(t, err, events.ErrStreamDeleted)
		err = j.SubscribeStream(ctx, stream, events.StreamFromStart(), func(context.Context, events.Recorded) error { return nil })
		require.ErrorIs(t, err, events.ErrStreamDeleted, "a subscription to a tombstoned stream ends")
	})
	t.Run("unknown type", func(t *testing.T) {
		stream := newJourney()
		_, err := client.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{}, esdb.EventData{
			EventID: uuid.New(), EventType: "pathways.future.v9.Unheard", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`),
		})
		require.NoError(t, err)
		_, err = j.ReadStream(ctx, stream)
		require.ErrorIs(t, err, events.ErrUnknownEventType)
		require.ErrorContains(t, err, stream+"@0")
	})
	t.Run("schema version newer than the code", func(t *testing.T) {
		codec, err := events.NewCodec(events.WithSchemaVersion("google.protobuf.StringValue", 2))
		require.NoError(t, err)
		newer := events.New(client, events.WithCodec(codec))
		stream := newJourney()
		_, err = newer.Append(ctx, stream, events.NoStream(), stringEvent(uuid.New(), "v2"))
		require.NoError(t, err)
		got, err := newer.ReadStream(ctx, stream)
		require.NoError(t, err)
		require.Equal(t, 2, got[0].Meta.SchemaVersion)
		_, err = j.ReadStream(ctx, stream)
		var tooNew *events.SchemaVersionError
		require.ErrorAs(t, err, &tooNew)
		require.Equal(t, events.SchemaVersionError{Type: "google.protobuf.StringValue", Stored: 2, Known: 1}, *tooNew)
	})
	require.NoError(t, j.Close())
	_, err = j.ReadStream(ctx, newJourney())
	require.ErrorIs(t, err, events.ErrClosed)
	_, err = client.GetServerVersion()
	require.NoError(t, err, "closing a journal built by New leaves the caller's client open")
}

func TestOpenFailsWhenNothingListens(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := events.Open(ctx, "esdb://127.0.0.1:1?tls=false&maxDiscoverAttempts=1")
	require.Error(t, err)
	_, err = events.Open(ctx, "http://not-esdb")
	require.ErrorContains(t, err, "parse connection string")
}

var errStop = errors.New("handler refused")

package eventstoretest

import (
	"math"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// clockSkew is how far the server's clock may be from the test's.
const clockSkew = 2 * time.Minute

// testServerFeatures: the client reaches the server-features endpoint and the server reports a
// version of 22.6 or later: the journal relies on stream reads carrying $all positions, which
// the real server sends from 22.6 (older ones send math.MaxUint64).
func (s *suite) testServerFeatures(t *testing.T) {
	v, err := s.client.GetServerVersion()
	require.NoError(t, err)
	require.True(t, v.Major > 22 || (v.Major == 22 && v.Minor >= 6), "server version %d.%d.%d is older than 22.6", v.Major, v.Minor, v.Patch)
}

// testRecordedEvent: what a read returns for each event is what was appended (id, type, content
// type, data and metadata byte for byte), plus the stream, revision, a real $all position and a
// creation time from the server's clock.
func (s *suite) testRecordedEvent(t *testing.T) {
	stream := s.stream("recorded")
	jsonEv := jsonEvent(s.eventType("Json"), 1)
	binEv := esdb.EventData{
		EventID: uuid.New(), EventType: s.eventType("Binary"), ContentType: esdb.ContentTypeBinary,
		Data: []byte{0xb, 0xe, 0xe, 0xf}, Metadata: []byte{0xd, 0xe, 0xa, 0xd},
	}
	emptyEv := esdb.EventData{EventID: uuid.New(), EventType: s.eventType("Empty"), ContentType: esdb.ContentTypeJson}
	before := time.Now()
	s.appendEvents(t, stream, esdb.NoStream{}, jsonEv, binEv, emptyEv)
	after := time.Now()

	evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 3)
	tests := []struct {
		name        string
		sent        esdb.EventData
		contentType string
	}{
		{"json", jsonEv, "application/json"},
		{"binary", binEv, "application/octet-stream"},
		{"empty data and metadata", emptyEv, "application/json"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := evs[i]
			require.Equal(t, tt.sent.EventID, got.EventID)
			require.Equal(t, tt.sent.EventType, got.EventType)
			require.Equal(t, tt.contentType, got.ContentType)
			require.Equal(t, stream, got.StreamID)
			require.Equal(t, uint64(i), got.EventNumber)
			require.Equal(t, string(tt.sent.Data), string(got.Data))
			require.Equal(t, string(tt.sent.Metadata), string(got.UserMetadata))
			require.NotEqual(t, uint64(math.MaxUint64), got.Position.Commit, "stream reads carry the $all position")
			require.WithinRange(t, got.CreatedDate, before.Add(-clockSkew), after.Add(clockSkew))
		})
	}
}

// testStreamMetadata: stream metadata round-trips, and $maxCount, $maxAge and $tb hide events
// from reads.
func (s *suite) testStreamMetadata(t *testing.T) {
	t.Run("round trip", func(t *testing.T) {
		stream := s.stream("meta")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvent("Meta", 0))
		var meta esdb.StreamMetadata
		meta.SetMaxCount(10)
		meta.SetMaxAge(time.Hour)
		meta.AddCustomProperty("owner", "pathways")
		_, err := s.client.SetStreamMetadata(ctx(t), stream, esdb.AppendToStreamOptions{}, meta)
		require.NoError(t, err)
		got, err := s.client.GetStreamMetadata(ctx(t), stream, esdb.ReadStreamOptions{})
		require.NoError(t, err)
		require.Equal(t, meta, *got)
	})
	t.Run("max count", func(t *testing.T) {
		stream := s.stream("meta")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Meta", 0, 5)...)
		var meta esdb.StreamMetadata
		meta.SetMaxCount(2)
		_, err := s.client.SetStreamMetadata(ctx(t), stream, esdb.AppendToStreamOptions{}, meta)
		require.NoError(t, err)
		evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err)
		require.Equal(t, []uint64{3, 4}, revisions(evs))
		back, err := s.readStream(t, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 10)
		require.NoError(t, err)
		require.Equal(t, []uint64{4, 3}, revisions(back))
	})
	t.Run("truncate before", func(t *testing.T) {
		stream := s.stream("meta")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Meta", 0, 5)...)
		var meta esdb.StreamMetadata
		meta.SetTruncateBefore(3)
		_, err := s.client.SetStreamMetadata(ctx(t), stream, esdb.AppendToStreamOptions{}, meta)
		require.NoError(t, err)
		evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err)
		require.Equal(t, []uint64{3, 4}, revisions(evs))
	})
	t.Run("max age", func(t *testing.T) {
		stream := s.stream("meta")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvent("Meta", 0))
		var meta esdb.StreamMetadata
		meta.SetMaxAge(time.Second)
		_, err := s.client.SetStreamMetadata(ctx(t), stream, esdb.AppendToStreamOptions{}, meta)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
			return err == nil && len(evs) == 0
		}, waitTimeout, 100*time.Millisecond, "an event older than $maxAge must disappear from reads")
		fresh := s.appendEvents(t, stream, esdb.Any{}, jsonEvent("Meta", 1))
		evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err)
		require.Equal(t, []uint64{fresh.NextExpectedVersion}, revisions(evs), "a fresh event is still read")
	})
}

// testDelete pins soft delete (reads say not found, appends continue the revisions) and
// tombstones (the stream is deleted for good).
func (s *suite) testDelete(t *testing.T) {
	t.Run("soft delete", func(t *testing.T) {
		stream := s.stream("delete")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvents("Del", 0, 3)...)
		res, err := s.client.DeleteStream(ctx(t), stream, esdb.DeleteStreamOptions{ExpectedRevision: esdb.Revision(2)})
		require.NoError(t, err)
		require.Positive(t, res.Position.Commit)

		_, err = s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		requireCode(t, err, esdb.ErrorCodeResourceNotFound, "a soft-deleted stream reads as not found")

		again := s.appendEvents(t, stream, esdb.Any{}, jsonEvent("Del", 3))
		require.Equal(t, uint64(3), again.NextExpectedVersion, "revisions continue after a soft delete")
		evs, err := s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		require.NoError(t, err)
		require.Equal(t, []uint64{3}, revisions(evs), "only events after the delete are read")
	})
	t.Run("tombstone", func(t *testing.T) {
		stream := s.stream("delete")
		s.appendEvents(t, stream, esdb.NoStream{}, jsonEvent("Del", 0))
		res, err := s.client.TombstoneStream(ctx(t), stream, esdb.TombstoneStreamOptions{ExpectedRevision: esdb.Revision(0)})
		require.NoError(t, err)
		require.Positive(t, res.Position.Commit)

		_, err = s.readStream(t, stream, esdb.ReadStreamOptions{}, 10)
		requireCode(t, err, esdb.ErrorCodeStreamDeleted, "read after tombstone")
		for _, exp := range []esdb.ExpectedRevision{esdb.Any{}, esdb.NoStream{}} {
			_, err = s.client.AppendToStream(ctx(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: exp}, jsonEvent("Del", 1))
			requireCode(t, err, esdb.ErrorCodeStreamDeleted, "append after tombstone expecting %#v", exp)
		}
		_, err = s.client.DeleteStream(ctx(t), stream, esdb.DeleteStreamOptions{})
		requireCode(t, err, esdb.ErrorCodeStreamDeleted, "delete after tombstone")

		// A subscription is confirmed, then dropped the way the real server reports a deleted
		// stream (RpcExceptions.StreamDeleted); the journal maps that to ErrStreamDeleted.
		f := s.subscribeStream(t, stream, esdb.Start{})
		timer := time.NewTimer(waitTimeout)
		defer timer.Stop()
		select {
		case err := <-f.dropped:
			require.Equal(t, codes.FailedPrecondition, status.Code(err), "drop error %v", err)
			require.Contains(t, status.Convert(err).Message(), "is deleted")
		case ev := <-f.events:
			require.FailNow(t, "event delivered from a tombstoned stream", "%s@%d", ev.StreamID, ev.EventNumber)
		case <-timer.C:
			require.FailNow(t, "subscription to a tombstoned stream was not dropped")
		}
	})
}

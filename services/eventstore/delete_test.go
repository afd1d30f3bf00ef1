package eventstore_test

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestSoftDelete(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name      string
		recreate  esdb.ExpectedRevision
		wantCode  esdb.ErrorCode // -1: recreated
		wantFirst uint64
	}{
		{"recreate with any", esdb.Any{}, -1, 2},
		{"recreate with no stream", esdb.NoStream{}, -1, 2},
		{"recreate with last revision", esdb.Revision(1), -1, 2},
		{"stream exists is deleted", esdb.StreamExists{}, esdb.ErrorCodeStreamDeleted, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("soft")
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(2, "Old")...)
			require.NoError(t, err)
			del, err := c.DeleteStream(ctxT(t), stream, esdb.DeleteStreamOptions{ExpectedRevision: esdb.Revision(1)})
			require.NoError(t, err)
			require.NotZero(t, del.Position.Commit)
			_, err = readStream(t, c, stream, esdb.ReadStreamOptions{}, 10)
			require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err))

			res, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.recreate}, event("New", "{}"))
			if tt.wantCode != -1 {
				require.Equal(t, tt.wantCode, errCode(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantFirst, res.NextExpectedVersion, "revisions continue")
			evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 10)
			require.NoError(t, err)
			require.Equal(t, []uint64{tt.wantFirst}, revisions(evs), "old events stay deleted")
			meta, err := c.GetStreamMetadata(ctxT(t), stream, esdb.ReadStreamOptions{})
			require.NoError(t, err)
			require.Equal(t, tt.wantFirst, *meta.TruncateBefore())
		})
	}
}

func TestDeleteErrors(t *testing.T) {
	_, c := startServer(t, "")
	existing := newStream("del")
	_, err := c.AppendToStream(ctxT(t), existing, esdb.AppendToStreamOptions{}, events(3, "E")...)
	require.NoError(t, err)
	tests := []struct {
		name   string
		stream string
		exp    esdb.ExpectedRevision
	}{
		{"wrong revision", existing, esdb.Revision(0)},
		{"no stream on existing", existing, esdb.NoStream{}},
		{"missing stream", newStream("none"), esdb.Any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.DeleteStream(ctxT(t), tt.stream, esdb.DeleteStreamOptions{ExpectedRevision: tt.exp})
			require.ErrorContains(t, err, "FailedPrecondition")
			require.ErrorContains(t, err, "wrong expected version")
		})
	}
	evs, err := readStream(t, c, existing, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Len(t, evs, 3, "failed deletes changed nothing")
}

func TestTombstone(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("tomb")
	_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(2, "E")...)
	require.NoError(t, err)
	res, err := c.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{ExpectedRevision: esdb.Revision(1)})
	require.NoError(t, err)
	require.NotZero(t, res.Position.Commit)

	afterwards := []struct {
		name string
		op   func() error
	}{
		{"read", func() error { _, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 10); return err }},
		{"append any", func() error {
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event("E", "{}"))
			return err
		}},
		{"append no stream", func() error {
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, event("E", "{}"))
			return err
		}},
		{"soft delete", func() error { _, err := c.DeleteStream(ctxT(t), stream, esdb.DeleteStreamOptions{}); return err }},
		{"tombstone again", func() error { _, err := c.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{}); return err }},
		{"set metadata", func() error {
			_, err := c.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, esdb.StreamMetadata{})
			return err
		}},
	}
	for _, tt := range afterwards {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, esdb.ErrorCodeStreamDeleted, errCode(tt.op()))
		})
	}
	t.Run("subscribe", func(t *testing.T) {
		sub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: esdb.Start{}})
		require.NoError(t, err)
		defer sub.Close()
		// The client hands subscription drops over as the raw status.
		dropped := sub.Recv().SubscriptionDropped
		require.NotNil(t, dropped)
		require.Equal(t, codes.FailedPrecondition, status.Code(dropped.Error))
		require.ErrorContains(t, dropped.Error, "is deleted")
	})
	t.Run("tombstone shows in $all", func(t *testing.T) {
		rs, err := c.ReadAll(ctxT(t), esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
		evs, err := readAllOf(t, rs, err)
		require.NoError(t, err)
		require.Equal(t, "$streamDeleted", evs[0].OriginalEvent().EventType)
		require.Equal(t, stream, evs[0].OriginalEvent().StreamID)
		require.Equal(t, res.Position, evs[0].OriginalEvent().Position)
	})
}

func TestTombstoneMissingStream(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("tomb-new")
	_, err := c.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{ExpectedRevision: esdb.NoStream{}})
	require.NoError(t, err)
	_, err = readStream(t, c, stream, esdb.ReadStreamOptions{}, 1)
	require.Equal(t, esdb.ErrorCodeStreamDeleted, errCode(err))
}

func TestStreamMetadataHonouredOnRead(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name string
		meta func(*esdb.StreamMetadata)
		want []uint64
	}{
		{"max count", func(m *esdb.StreamMetadata) { m.SetMaxCount(2) }, []uint64{4, 5}},
		{"truncate before", func(m *esdb.StreamMetadata) { m.SetTruncateBefore(4) }, []uint64{4, 5}},
		{"max count and truncate before", func(m *esdb.StreamMetadata) { m.SetMaxCount(5); m.SetTruncateBefore(3) }, []uint64{3, 4, 5}},
		{"truncate before past the end", func(m *esdb.StreamMetadata) { m.SetTruncateBefore(100) }, []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("meta")
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(6, "E")...)
			require.NoError(t, err)
			var meta esdb.StreamMetadata
			tt.meta(&meta)
			meta.AddCustomProperty("owner", "team-a")
			_, err = c.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, meta)
			require.NoError(t, err)
			got, err := c.GetStreamMetadata(ctxT(t), stream, esdb.ReadStreamOptions{})
			require.NoError(t, err)
			require.Equal(t, meta, *got)
			evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 100)
			require.NoError(t, err)
			require.Equal(t, tt.want, revisions(evs))
			back, err := readStream(t, c, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 100)
			require.NoError(t, err)
			require.Len(t, back, len(tt.want))
		})
	}
}

func TestMetadataStreamKeepsOnlyLatest(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("meta-latest")
	for _, n := range []uint64{5, 7, 9} {
		var m esdb.StreamMetadata
		m.SetMaxCount(n)
		_, err := c.SetStreamMetadata(ctxT(t), stream, esdb.AppendToStreamOptions{}, m)
		require.NoError(t, err)
	}
	got, err := c.GetStreamMetadata(ctxT(t), stream, esdb.ReadStreamOptions{})
	require.NoError(t, err)
	require.Equal(t, uint64(9), *got.MaxCount())
}

func TestTombstoneEndsLiveSubscription(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("tomb-live")
	_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, event("E", "{}"))
	require.NoError(t, err)
	sub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	require.NoError(t, err)
	defer sub.Close()
	collect(t, sub, 1, true)
	_, err = c.TombstoneStream(ctxT(t), stream, esdb.TombstoneStreamOptions{})
	require.NoError(t, err)
	dropped := sub.Recv().SubscriptionDropped
	require.NotNil(t, dropped)
	require.Equal(t, codes.FailedPrecondition, status.Code(dropped.Error))
	require.ErrorContains(t, dropped.Error, "is deleted")
}

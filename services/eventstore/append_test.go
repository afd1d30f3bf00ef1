package eventstore_test

import (
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func TestAppendExpectedRevision(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name     string
		existing int // events already in the stream; -1 for no stream
		expected esdb.ExpectedRevision
		wantNext uint64
		wantErr  string // substring of the wrong-expected-version message
	}{
		{"any on new stream", -1, esdb.Any{}, 1, ""},
		{"any on existing stream", 2, esdb.Any{}, 3, ""},
		{"no stream on new stream", -1, esdb.NoStream{}, 1, ""},
		{"no stream on existing stream", 2, esdb.NoStream{}, 0, "expecting 'no_stream' but got '1'"},
		{"stream exists on new stream", -1, esdb.StreamExists{}, 0, "expecting 'stream_exists' but got 'no_stream'"},
		{"stream exists on existing stream", 1, esdb.StreamExists{}, 2, ""},
		{"exact revision matching", 3, esdb.Revision(2), 4, ""},
		{"exact revision behind", 3, esdb.Revision(0), 0, "expecting '0' but got '2'"},
		{"exact revision ahead", 3, esdb.Revision(7), 0, "expecting '7' but got '2'"},
		{"exact revision on new stream", -1, esdb.Revision(0), 0, "expecting '0' but got 'no_stream'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("expected")
			if tt.existing > 0 {
				_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(tt.existing, "Seeded")...)
				require.NoError(t, err)
			}
			res, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.expected}, events(2, "Tried")...)
			if tt.wantErr != "" {
				require.Error(t, err)
				require.Equal(t, esdb.ErrorCodeWrongExpectedVersion, errCode(err))
				require.Contains(t, err.Error(), tt.wantErr)
				evs, _ := readStream(t, c, stream, esdb.ReadStreamOptions{}, 100)
				require.Len(t, evs, max(tt.existing, 0), "a rejected append writes nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantNext, res.NextExpectedVersion)
			require.NotZero(t, res.CommitPosition)
		})
	}
}

func TestAppendIdempotentByEventID(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name     string
		first    esdb.ExpectedRevision
		retry    esdb.ExpectedRevision
		prefix   int // events written before the batch
		wantNext uint64
	}{
		{"no stream retried", esdb.NoStream{}, esdb.NoStream{}, 0, 2},
		{"any retried", esdb.Any{}, esdb.Any{}, 0, 2},
		{"stream exists retried", esdb.StreamExists{}, esdb.StreamExists{}, 1, 3},
		{"exact revision retried", esdb.Revision(1), esdb.Revision(1), 2, 4},
		{"exact revision retried with any", esdb.Revision(1), esdb.Any{}, 2, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("idem")
			if tt.prefix > 0 {
				_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(tt.prefix, "Before")...)
				require.NoError(t, err)
			}
			batch := events(3, "Once")
			first, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.first}, batch...)
			require.NoError(t, err)
			retry, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.retry}, batch...)
			require.NoError(t, err)
			require.Equal(t, first.NextExpectedVersion, retry.NextExpectedVersion)
			require.Equal(t, first.CommitPosition, retry.CommitPosition)
			require.Equal(t, tt.wantNext, retry.NextExpectedVersion)
			evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 100)
			require.NoError(t, err)
			require.Len(t, evs, tt.prefix+3, "the retry wrote nothing")
		})
	}
}

func TestAppendPartlyWrittenBatchConflicts(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("partial")
	batch := events(3, "Once")
	_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, batch[:2]...)
	require.NoError(t, err)
	_, err = c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, batch...)
	require.Equal(t, esdb.ErrorCodeWrongExpectedVersion, errCode(err))
	_, err = c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.Any{}}, batch...)
	require.Equal(t, esdb.ErrorCodeWrongExpectedVersion, errCode(err))
}

func TestAppendSizeLimit(t *testing.T) {
	_, c := startServer(t, "")
	tests := []struct {
		name    string
		sizes   []int
		wantErr bool
	}{
		{"one event under 1 MiB", []int{1<<20 - 100}, false},
		{"one event over 1 MiB", []int{1<<20 + 1}, true},
		{"events summing over 1 MiB", []int{600 << 10, 600 << 10}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := newStream("size")
			var evs []esdb.EventData
			for _, n := range tt.sizes {
				ev := event("Big", "")
				ev.ContentType = esdb.ContentTypeBinary
				ev.Data = make([]byte, n)
				evs = append(evs, ev)
			}
			_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, evs...)
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.ErrorContains(t, err, "Maximum Append Size of 1048576 Exceeded")
			_, err = readStream(t, c, stream, esdb.ReadStreamOptions{}, 10)
			require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err), "nothing was written")
		})
	}
}

func TestRecordedEventFields(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("fields")
	ev := event("Recorded", `{"a":1}`)
	ev.Metadata = []byte(`{"correlation":"x"}`)
	res, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, ev)
	require.NoError(t, err)
	evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 1)
	require.NoError(t, err)
	got := evs[0].OriginalEvent()
	require.Equal(t, ev.EventID, got.EventID)
	require.Equal(t, "Recorded", got.EventType)
	require.Equal(t, "application/json", got.ContentType)
	require.Equal(t, stream, got.StreamID)
	require.Equal(t, ev.Data, got.Data)
	require.Equal(t, ev.Metadata, got.UserMetadata)
	require.Equal(t, res.CommitPosition, got.Position.Commit)
	require.Equal(t, got.Position.Commit, got.Position.Prepare)
	require.WithinDuration(t, time.Now(), got.CreatedDate, time.Minute)
}

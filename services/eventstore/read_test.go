package eventstore_test

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func TestReadStream(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("read")
	_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(10, "Read")...)
	require.NoError(t, err)
	tests := []struct {
		name  string
		opts  esdb.ReadStreamOptions
		count uint64
		want  []uint64
	}{
		{"forwards from start", esdb.ReadStreamOptions{From: esdb.Start{}}, 3, []uint64{0, 1, 2}},
		{"forwards from revision", esdb.ReadStreamOptions{From: esdb.Revision(7)}, 10, []uint64{7, 8, 9}},
		{"forwards from end", esdb.ReadStreamOptions{From: esdb.End{}}, 10, []uint64{}},
		{"forwards past the end", esdb.ReadStreamOptions{From: esdb.Revision(20)}, 10, []uint64{}},
		{"backwards from end", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 3, []uint64{9, 8, 7}},
		{"backwards from revision", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Revision(2)}, 10, []uint64{2, 1, 0}},
		{"backwards from start", esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Start{}}, 10, []uint64{0}},
		{"count zero", esdb.ReadStreamOptions{}, 0, []uint64{}},
		{"count larger than stream", esdb.ReadStreamOptions{}, 1000, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := readStream(t, c, stream, tt.opts, tt.count)
			require.NoError(t, err)
			require.Equal(t, tt.want, revisions(evs))
		})
	}
}

func TestReadStreamAcrossPages(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("pages")
	for i := 0; i < 3; i++ {
		_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, events(500, "Paged")...)
		require.NoError(t, err)
	}
	fwd, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 1200)
	require.NoError(t, err)
	require.Len(t, fwd, 1200)
	bwd, err := readStream(t, c, stream, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, 5000)
	require.NoError(t, err)
	require.Len(t, bwd, 1500)
	for i, ev := range bwd {
		require.Equal(t, uint64(1499-i), ev.OriginalEvent().EventNumber)
	}
}

func TestReadMissingStreamIsNotFound(t *testing.T) {
	_, c := startServer(t, "")
	_, err := readStream(t, c, newStream("missing"), esdb.ReadStreamOptions{}, 10)
	require.Equal(t, esdb.ErrorCodeResourceNotFound, errCode(err))
}

func TestReadAll(t *testing.T) {
	_, c := startServer(t, "")
	a, b := newStream("all-a"), newStream("all-b")
	var written []esdb.Position
	for i := 0; i < 4; i++ {
		for _, s := range []string{a, b} {
			res, err := c.AppendToStream(ctxT(t), s, esdb.AppendToStreamOptions{}, event("All", "{}"))
			require.NoError(t, err)
			written = append(written, esdb.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition})
		}
	}
	read := func(opts esdb.ReadAllOptions, n uint64) []esdb.Position {
		rs, err := c.ReadAll(ctxT(t), opts, n)
		evs, err := readAllOf(t, rs, err)
		require.NoError(t, err)
		out := make([]esdb.Position, len(evs))
		for i, e := range evs {
			out[i] = e.OriginalEvent().Position
		}
		return out
	}
	fwd := read(esdb.ReadAllOptions{From: esdb.Start{}}, 100)
	require.Equal(t, written, fwd, "commit order, every event once")
	for i := 1; i < len(fwd); i++ {
		require.Greater(t, fwd[i].Commit, fwd[i-1].Commit)
	}
	require.Equal(t, written[3:6], read(esdb.ReadAllOptions{From: written[3]}, 3), "forwards includes the start position")
	back := read(esdb.ReadAllOptions{Direction: esdb.Backwards, From: written[3]}, 10)
	require.Equal(t, []esdb.Position{written[2], written[1], written[0]}, back, "backwards starts before the position")
	require.Equal(t, []esdb.Position{written[7], written[6]}, read(esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 2))
	require.Empty(t, read(esdb.ReadAllOptions{From: esdb.End{}}, 10))
}

func TestServerVersion(t *testing.T) {
	_, c := startServer(t, "")
	v, err := c.GetServerVersion()
	require.NoError(t, err)
	require.Equal(t, esdb.ServerVersion{Major: 24, Minor: 10, Patch: 0}, *v)
}

func TestLargeEventsAcrossBytePages(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("large")
	for i := 0; i < 6; i++ {
		ev := event("Large", "")
		ev.ContentType, ev.Data = esdb.ContentTypeBinary, make([]byte, 1_000_000)
		_, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{}, ev)
		require.NoError(t, err)
	}
	evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Equal(t, []uint64{0, 1, 2, 3, 4, 5}, revisions(evs))
	rs, err := c.ReadAll(ctxT(t), esdb.ReadAllOptions{}, 10)
	all, err := readAllOf(t, rs, err)
	require.NoError(t, err)
	require.Len(t, all, 6)
	sub, err := c.SubscribeToStream(ctxT(t), stream, esdb.SubscribeToStreamOptions{From: esdb.Start{}})
	require.NoError(t, err)
	defer sub.Close()
	require.Equal(t, seq(0, 6), collect(t, sub, 6, true).revisions)
}

package eventstore_test

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	_, c := startServer(t, "")
	stream := newStream("smoke")
	res, err := c.AppendToStream(ctxT(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, events(3, "Made")...)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.NextExpectedVersion)
	evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 10)
	require.NoError(t, err)
	require.Equal(t, []uint64{0, 1, 2}, revisions(evs))
}

package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/platform/rpcerr"
)

// When the event store is down (killed, restarting), a read or an append fails with
// events.ErrUnavailable, which a service's API answers as Unavailable: what its callers retry,
// with the same request ID. Before, the coordinator answered Internal, which callers do not
// retry. Once the store is back, the same journal works again.
func TestAStoreThatIsDownIsUnavailableNotInternal(t *testing.T) {
	dir := t.TempDir()
	srv, err := embedded.Start(context.Background(), embedded.Options{DataDir: dir})
	require.NoError(t, err)
	j := openJournal(t, srv.URL()+"&maxDiscoverAttempts=1&discoveryInterval=10")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	stream := newJourney()
	_, err = j.Append(ctx, stream, events.NoStream(), stringEvents("before", 1)...)
	require.NoError(t, err)

	addr := srv.Addr()
	require.NoError(t, srv.Close())
	_, _, err = j.LastEvent(ctx, stream)
	require.ErrorIs(t, err, events.ErrUnavailable)
	require.Equal(t, codes.Unavailable, status.Code(rpcerr.Status(ctx, err)), "answered %v", rpcerr.Status(ctx, err))
	_, err = j.Append(ctx, stream, events.Exact(0), stringEvents("while down", 1)...)
	require.ErrorIs(t, err, events.ErrUnavailable)

	again, err := embedded.Start(context.Background(), embedded.Options{DataDir: dir, Listen: addr})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Close() })
	require.Eventually(t, func() bool {
		_, err := j.Append(ctx, stream, events.Exact(0), stringEvents("after", 1)...)
		return err == nil
	}, 30*time.Second, 100*time.Millisecond, "the journal works again once the store is back")
}

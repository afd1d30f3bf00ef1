package prodshape

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/pgserver"
)

// TestProxyCutHoldsBytesAndRestoreReconnects: through the proxy an echo answers; cut, nothing
// comes back (and nothing is refused); restored, the held connection is closed and a new one
// answers.
func TestProxyCutHoldsBytesAndRestoreReconnects(t *testing.T) {
	var lc net.ListenConfig
	echo, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = echo.Close() })
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c) }()
		}
	}()
	p, err := NewProxy(t.Context(), echo.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	roundTrip := func(c net.Conn) error {
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		buf := make([]byte, 4)
		_, err := io.ReadFull(c, buf)
		return err
	}
	var d net.Dialer
	c, err := d.DialContext(t.Context(), "tcp", p.Addr())
	require.NoError(t, err)
	require.NoError(t, roundTrip(c))

	p.Cut()
	var ne net.Error
	require.ErrorAs(t, roundTrip(c), &ne, "cut: the open connection gets nothing back")
	require.True(t, ne.Timeout())
	held, err := d.DialContext(t.Context(), "tcp", p.Addr())
	require.NoError(t, err, "cut: a new connection is not refused")
	require.ErrorAs(t, roundTrip(held), &ne, "cut: a new connection gets nothing back")

	p.Restore()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = c.Read(make([]byte, 1))
	require.True(t, errors.Is(err, io.EOF) || err != nil, "restored: the connection held through the cut is closed")
	again, err := d.DialContext(t.Context(), "tcp", p.Addr())
	require.NoError(t, err)
	require.NoError(t, roundTrip(again), "restored: a new connection answers")
}

// TestFinanceReplicaRestartsAfterSIGKILL runs PostgreSQL, the event store, governance and two
// finance replicas as the shape does, kills a finance replica and restarts it on its ports.
func TestFinanceReplicaRestartsAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs service binaries")
	}
	if _, err := pgserver.Bin(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	bins, err := Build(t.Context(), filepath.Join("..", ".."), filepath.Join(dir, "bin"), "eventstore", "governance", "finance", "dashboard")
	require.NoError(t, err)
	s := &Shape{opts: Options{Bins: bins, Dir: dir, Replicas: 2}}
	t.Cleanup(func() {
		_ = s.Close()
		if t.Failed() {
			for _, p := range append([]*Process{s.EventStore, s.Governance}, s.Finance...) {
				if p != nil {
					b, _ := os.ReadFile(p.LogPath())
					t.Logf("--- %s\n%s", p.Name(), b)
				}
			}
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	for _, step := range []func(context.Context) error{s.startTrust, s.startPostgres, s.startEventStore, s.startGovernance, s.startFinance, s.startDashboards} {
		require.NoError(t, step(ctx))
	}
	f := s.Finance[1]
	addr := f.Addr()
	require.NoError(t, f.Kill())
	require.Error(t, f.ready(ctx), "killed: no health")
	took, err := f.Restart(ctx)
	require.NoError(t, err)
	require.Equal(t, addr, f.Addr())
	t.Logf("finance-2 back in %s", took)
	require.NoError(t, s.Postgres.Kill())
	took, err = s.Postgres.Restart(ctx)
	require.NoError(t, err)
	t.Logf("postgres back in %s", took)
	require.NoError(t, s.Finance[0].ready(ctx), "finance-1 answers after PostgreSQL's restart")
}

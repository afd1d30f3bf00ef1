package eventstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestKillNineKeepsEveryAcknowledgedEvent starts the real binary on a data
// directory, kills it with SIGKILL in the middle of concurrent appends and
// restarts it, several times. Every acknowledged append must be there
// exactly once, every append is all-or-nothing, revisions stay contiguous
// and $all positions increase.
func TestKillNineKeepsEveryAcknowledgedEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "eventstore")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./cmd/eventstore")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	dir := t.TempDir()
	h := &crashHistory{batches: map[uuid.UUID]*batch{}}
	for round, base := range []int{1, 40, 150, 400} {
		killAfter := base + rand.IntN(base+1) // a random moment in the load
		t.Run(fmt.Sprintf("round %d kill after %d acks", round, killAfter), func(t *testing.T) {
			proc, url := startBinary(t, bin, dir)
			c := connect(t, url)
			h.verify(t, c)
			h.load(t, c, round, killAfter, func() { require.NoError(t, proc.Process.Signal(syscall.SIGKILL)) })
			_ = proc.Wait()
		})
	}
	proc, url := startBinary(t, bin, dir)
	h.verify(t, connect(t, url))
	require.NoError(t, proc.Process.Signal(syscall.SIGTERM))
	require.NoError(t, proc.Wait(), "graceful shutdown on SIGTERM")
}

// startBinary runs the server on a free port and returns once it listens.
func startBinary(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "--insecure", "--data-dir", dir, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "event store listening" {
				addr <- line.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, fmt.Sprintf("esdb://%s?tls=false", a)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
		return nil, ""
	}
}

type batch struct {
	stream string
	ids    []uuid.UUID
	acked  bool
}

// crashHistory is every append attempted across rounds.
type crashHistory struct {
	mu      sync.Mutex
	batches map[uuid.UUID]*batch // by first event id
	streams []string
}

// load runs concurrent appenders until kill has been called after
// killAfter acknowledgements, then until every appender has failed. An
// append may fail only after the kill, and then only with an error the
// kill explains (unexpectedFailure); any other failure fails the test.
func (h *crashHistory) load(t *testing.T, c *esdb.Client, round, killAfter int, kill func()) {
	const writers = 8
	acks := make(chan struct{}, writers)
	var killed atomic.Bool
	var (
		failMu     sync.Mutex
		unexpected []string
	)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		stream := fmt.Sprintf("crash-%d-%d", round, w)
		h.mu.Lock()
		h.streams = append(h.streams, stream)
		h.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := &batch{stream: stream}
				evs := make([]esdb.EventData, 1+rand.IntN(3))
				for i := range evs {
					evs[i] = event("Crash", fmt.Sprintf(`{"w":%d}`, w))
					b.ids = append(b.ids, evs[i].EventID)
				}
				h.mu.Lock()
				h.batches[b.ids[0]] = b
				h.mu.Unlock()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_, err := c.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{}, evs...)
				cancel()
				if err != nil {
					if why := unexpectedFailure(err, killed.Load()); why != "" {
						failMu.Lock()
						unexpected = append(unexpected, fmt.Sprintf("writer %d on %s: %s: %v", w, stream, why, err))
						failMu.Unlock()
					}
					return
				}
				h.mu.Lock()
				b.acked = true
				h.mu.Unlock()
				acks <- struct{}{}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for n := 0; ; {
		select {
		case <-acks:
			if n++; n == killAfter {
				killed.Store(true) // before the signal: every failure it causes sees it
				kill()
			}
		case <-done:
			require.Empty(t, unexpected, "appends that failed other than by the kill")
			require.GreaterOrEqual(t, n, killAfter, "appenders stopped before the kill")
			return
		}
	}
}

// unexpectedFailure says why an append error is not one the kill explains
// ("" when it is): before the kill no append may fail; after it, only
// with the connection refused, reset or closed (EOF on sending), or the
// call's deadline.
func unexpectedFailure(err error, afterKill bool) string {
	if !afterKill {
		return "failed before the kill"
	}
	if errors.Is(err, io.EOF) { // gRPC's Send on a stream the dead server broke
		return ""
	}
	switch code := errCode(err); code {
	case esdb.ErrorUnavailable, esdb.ErrorCodeDeadlineExceeded, esdb.ErrorCodeConnectionClosed:
		return ""
	default:
		return fmt.Sprintf("failed after the kill with error code %d, not a connection error", code)
	}
}

// verify checks the store after a restart against the history.
func (h *crashHistory) verify(t *testing.T, c *esdb.Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byEvent := map[uuid.UUID]*batch{}
	for _, b := range h.batches {
		for _, id := range b.ids {
			byEvent[id] = b
		}
	}
	seen := map[uuid.UUID]bool{}
	for _, stream := range h.streams {
		evs, err := readStream(t, c, stream, esdb.ReadStreamOptions{}, 1_000_000)
		if errCode(err) == esdb.ErrorCodeResourceNotFound {
			continue
		}
		require.NoError(t, err)
		for i, ev := range evs {
			e := ev.OriginalEvent()
			require.Equal(t, uint64(i), e.EventNumber, "revisions are contiguous in %s", stream)
			require.False(t, seen[e.EventID], "event %s stored twice", e.EventID)
			seen[e.EventID] = true
			require.NotNil(t, byEvent[e.EventID], "stored event was never appended")
		}
	}
	for _, b := range h.batches {
		present := 0
		for _, id := range b.ids {
			if seen[id] {
				present++
			}
		}
		if b.acked {
			require.Equal(t, len(b.ids), present, "acknowledged append lost events")
		} else {
			require.Contains(t, []int{0, len(b.ids)}, present, "append half-written")
		}
	}
	rs, err := c.ReadAll(ctxT(t), esdb.ReadAllOptions{From: esdb.Start{}}, 10_000_000)
	all, err := readAllOf(t, rs, err)
	require.NoError(t, err)
	require.Len(t, all, len(seen))
	for i := 1; i < len(all); i++ {
		require.Greater(t, all[i].OriginalEvent().Position.Commit, all[i-1].OriginalEvent().Position.Commit)
	}
}

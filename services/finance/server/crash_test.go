package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/services/finance/server"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

// Environment of the crash child (this test binary re-executed).
const (
	childEnv      = "FINANCE_CRASH_CHILD"
	childLedger   = "FINANCE_CRASH_LEDGER"
	childStore    = "FINANCE_CRASH_STORE"
	childListen   = "FINANCE_CRASH_LISTEN"
	childDieAfter = "FINANCE_CRASH_AFTER_COMMIT"
)

// TestCrashChild is the finance service run as a child process by TestCrashRecovery; it does
// nothing in a normal run. With FINANCE_CRASH_AFTER_COMMIT=n it SIGKILLs itself right after the
// n-th durable ledger commit, before answering the callers of that commit.
func TestCrashChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestCrashRecovery as a child process")
	}
	cfg := server.DefaultConfig()
	cfg.Listen, cfg.EventStoreURL, cfg.Ledger, cfg.Now = os.Getenv(childListen), os.Getenv(childStore), os.Getenv(childLedger), fixedNow
	// Not about identity (and the shared test issuer lives in the parent): plaintext with the
	// interim caller metadata, ingest anonymous, and no per-caller rate limit, which would throttle
	// the anonymous pushers sharing one address.
	cfg.Security = secure.Insecure()
	cfg.Security.Limits.Rate.PerSecond = 0
	if n, _ := strconv.Atoi(os.Getenv(childDieAfter)); n > 0 {
		var commits atomic.Int64
		cfg.AfterCommit = func() {
			if commits.Add(1) == int64(n) {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
	}
	srv, err := server.Start(context.Background(), cfg)
	require.NoError(t, err)
	defer srv.Close()
	err = <-srv.Done() // only if serving stops before the parent kills this process
	t.Fatalf("finance service stopped serving before it was killed: %v", err)
}

// child is one run of the finance service in a child process.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
	state  *os.ProcessState // how it ended; set before exited is closed
}

// requireKilled waits for the child to end and fails unless SIGKILL ended it: a child that
// crashed, failed or stopped serving before the kill exits (or dies of another signal) and the
// test would otherwise go on as if the planned crash had happened.
func (c *child) requireKilled(t *testing.T, why string) {
	t.Helper()
	<-c.exited
	ws, ok := c.state.Sys().(syscall.WaitStatus)
	require.True(t, ok, "%s: no wait status (%v)", why, c.state)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "%s: the child ended otherwise: %v", why, c.state)
}

func startChild(t *testing.T, env []string) *child {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1") //nolint:gosec // the test binary itself
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status is read from cmd.ProcessState
		c.state = cmd.ProcessState
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.exited
	})
	return c
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestCrashRecovery runs the service as a child process that dies three ways while activities
// are pushed concurrently with retries: once by its own SIGKILL between a ledger commit and the
// acknowledgement, once by a SIGKILL from outside mid-ingest; a third run finishes. The ledger
// totals must be exact, the feed must carry each activity once, and the event store must hold
// no event twice.
func TestCrashRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, uint64(time.Now().UnixNano())))
	url, addr := startStore(t), freeAddr(t)
	env := []string{childLedger + "=" + filepath.Join(t.TempDir(), "finance.db"), childStore + "=" + url, childListen + "=" + addr}
	first := startChild(t, append(env, childDieAfter+"=25"))
	c := dial(t, addr, secure.Insecure())
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }() // a failed check below stops the pushers before the test ends
	_, err := c.finance.CreateContract(admin(ctx), &financev1.CreateContractRequest{Terms: mskTerms()}, grpc.WaitForReady(true))
	require.NoError(t, err)

	acts := journeys(rng, 50)
	var acked atomic.Int64
	wg.Go(func() { pushWithRetries(ctx, t, c, acts, &acked) })

	first.requireKilled(t, "the first child must kill itself after its 25th commit")
	second := startChild(t, env)
	eventually(t, time.Minute, func() bool { return acked.Load() >= int64(len(acts))/2 }, "half acknowledged")
	require.NoError(t, second.cmd.Process.Signal(syscall.SIGKILL))
	second.requireKilled(t, "the second child must die of the SIGKILL sent mid-ingest")
	startChild(t, env)
	wg.Wait()
	require.EqualValues(t, len(acts), acked.Load())

	byProvider, byMonth, sum := expected(acts)
	pos, err := c.finance.GetBudgetPosition(reader(ctx), &financev1.GetBudgetPositionRequest{ContractId: "msk-2026"}, grpc.WaitForReady(true))
	require.NoError(t, err)
	require.Equal(t, sum, pos.GetSpentPence())
	require.Equal(t, byProvider, lineTotals(pos.GetByProvider()))
	require.Equal(t, byMonth, nonZero(lineTotals(pos.GetByMonth())))
	feed := readFeed(t, c, len(acts))
	costed, payable := feedTotals(feed.events)
	require.Equal(t, byProvider, costed.byProvider)
	require.Equal(t, byProvider, payable.byProvider)
	requireStoredOnce(t, url, "msk-2026", feed, sum)
}

// pushWithRetries sends every activity (some twice) from 4 goroutines, retrying each until it is
// acknowledged, and counts the distinct activities acknowledged.
func pushWithRetries(ctx context.Context, t *testing.T, c client, acts []*financev1.RecordActivityRequest, acked *atomic.Int64) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range work {
				for range 1 + i%2 {
					if err := sendRetrying(ctx, c, acts[i]); err != nil {
						t.Errorf("activity %d: %v", i, err)
						return
					}
				}
				acked.Add(1)
			}
		})
	}
	defer wg.Wait()
	defer close(work)
	for i := range acts {
		select {
		case work <- i:
		case <-ctx.Done(): // the pushers gave up (or the test failed): stop feeding them
			return
		}
	}
}

func sendRetrying(ctx context.Context, c client, a *financev1.RecordActivityRequest) error {
	for {
		callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.ingest.RecordActivity(callCtx, a, grpc.WaitForReady(true))
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("never acknowledged: %w", err)
		case status.Code(err) == codes.Unavailable, status.Code(err) == codes.DeadlineExceeded:
			continue
		default:
			return err
		}
	}
}

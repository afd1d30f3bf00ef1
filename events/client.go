package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// errNoAnswer: the official client did not answer in time (see clientCall).
var errNoAnswer = errors.New("event store client did not answer")

// ErrUnavailable marks a call the event store did not answer: no node reachable (the client's
// discovery gave up), the connection lost, the node not ready or not the leader, no answer in
// time. It is a fault.Unavailable, so a service's API answers Unavailable ("retry later") rather
// than Internal, and its callers retry with the same request ID.
var ErrUnavailable = fault.New(fault.Unavailable, "event store unavailable")

// classify wraps err in ErrUnavailable when the event store did not answer (the client's own
// error stays in the chain: callers still match its code).
func classify(err error) error {
	if err == nil || errors.Is(err, ErrClosed) {
		return err
	}
	switch clientCode(err) {
	case esdb.ErrorUnavailable, esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeNotLeader, esdb.ErrorCodeDeadlineExceeded:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	// A read's stream reports the transport's own status (connection refused, reset).
	var st interface{ GRPCStatus() *status.Status }
	if errors.Is(err, errNoAnswer) || errors.As(err, &st) && st.GRPCStatus().Code() == codes.Unavailable {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// clientCall runs op with the journal's current client and returns its answer, or gives up when
// ctx ends or limit (if > 0) passes.
//
// The official client waits for a connection without regard to the context, and a call that
// starts while it is giving up on a server can block forever (its connection goroutine exits
// while the call waits for it). So op runs on its own goroutine: an abandoned op goes on in the
// background and, should it still succeed, discard (if set) receives its result to release it.
//
// If the client reports that it has closed for good and the journal owns its connection, the
// journal replaces the client and runs op once more: a closed client never sent the request, so
// the retry cannot duplicate anything.
func clientCall[T any](ctx context.Context, j *Journal, limit time.Duration, op func(*esdb.Client) (T, error), discard func(T)) (T, error) {
	for attempt := 0; ; attempt++ {
		c, err := j.acquire()
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := await(ctx, limit, func() (T, error) {
			defer j.inflight.Done()
			return op(c)
		}, discard)
		if attempt == 0 && isClientClosed(err) && j.replace(c) {
			continue
		}
		return v, classify(err)
	}
}

// await runs f on a new goroutine and waits for it, for ctx or for limit (if > 0).
func await[T any](ctx context.Context, limit time.Duration, f func() (T, error), discard func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	var expired <-chan time.Time
	if limit > 0 {
		timer := time.NewTimer(limit)
		defer timer.Stop()
		expired = timer.C
	}
	var err error
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = fmt.Errorf("%w within %v", errNoAnswer, limit)
	}
	if discard != nil {
		go func() {
			if r := <-done; r.err == nil {
				discard(r.v)
			}
		}()
	}
	var zero T
	return zero, err
}

// acquire returns the current client and counts the call as running.
func (j *Journal) acquire() (*esdb.Client, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	j.inflight.Add(1)
	return j.client, nil
}

// replace swaps a closed client old for a new one, if old is still current and the Journal can
// redial. It reports whether the current client is now a different one.
//
// The old client is not closed: its connection goroutine has already stopped, and closing it
// would make any call still trying to reach that goroutine panic.
func (j *Journal) replace(old *esdb.Client) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed || j.conf == nil {
		return false
	}
	if j.client != old {
		return true
	}
	c, err := esdb.NewClient(j.conf)
	if err != nil {
		return false
	}
	j.log.Info("event store client gave up on the server; reconnecting with a new client")
	j.client = c
	return true
}

func isClientClosed(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && e.Code() == esdb.ErrorCodeConnectionClosed
}

// waitWithin waits for wg up to d and reports whether it finished.
func waitWithin(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/metrics"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// scavenger runs the store's scavenges: in the background on a timer and for StartScavenge (one
// at a time, each with an id StopScavenge can name), or in the caller's goroutine for
// Server.Scavenge. Each is logged and counted. It is safe for concurrent use.
type scavenger struct {
	store *store.Store
	obs   *metrics.Metrics
	log   *slog.Logger

	life   context.Context // cancelled by close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running *scavengeRun // the background scavenge, nil when none
}

type scavengeRun struct {
	id     string
	cancel context.CancelFunc
}

func newScavenger(st *store.Store, obs *metrics.Metrics, log *slog.Logger) *scavenger {
	sc := &scavenger{store: st, obs: obs, log: log}
	sc.life, sc.cancel = context.WithCancel(context.Background())
	return sc
}

// every starts a background scavenge every interval (none while one runs) until close.
func (sc *scavenger) every(interval time.Duration) {
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-sc.life.Done():
				return
			case <-tick.C:
				sc.Start()
			}
		}
	}()
}

// Start starts a background scavenge unless one is running (grpcapi.Scavenges).
func (sc *scavenger) Start() (string, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.running != nil {
		return sc.running.id, false
	}
	if sc.life.Err() != nil {
		return "", false
	}
	ctx, cancel := context.WithCancel(sc.life)
	run := &scavengeRun{id: uuid.NewString(), cancel: cancel}
	sc.running = run
	sc.wg.Add(1)
	go func() {
		defer sc.wg.Done()
		defer cancel()
		_, _ = sc.run(ctx, run.id)
		sc.mu.Lock()
		sc.running = nil
		sc.mu.Unlock()
	}()
	return run.id, true
}

// Stop stops the background scavenge named id (grpcapi.Scavenges).
func (sc *scavenger) Stop(id string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.running == nil || sc.running.id != id {
		return false
	}
	sc.running.cancel()
	return true
}

// run runs one scavenge in this goroutine, then logs and counts it.
func (sc *scavenger) run(ctx context.Context, id string) (store.ScavengeResult, error) {
	began := time.Now()
	res, err := sc.store.Scavenge(ctx)
	outcome := metrics.ScavengeOK
	log := sc.log.With("scavenge_id", id, "events_removed", res.EventsRemoved, "record_bytes_removed", res.RecordBytesRemoved,
		"disk_bytes_before", res.DiskBytesBefore, "disk_bytes_after", res.DiskBytesAfter, "duration", time.Since(began))
	switch {
	case err == nil:
		log.Info("scavenge finished")
	case errors.Is(err, context.Canceled), errors.Is(err, store.ErrClosed):
		outcome = metrics.ScavengeStopped
		log.Info("scavenge stopped; the next one finishes the job", "reason", err)
	default:
		outcome = metrics.ScavengeFailed
		log.Error("scavenge failed", "err", err)
	}
	sc.obs.ObserveScavenge(context.WithoutCancel(ctx), outcome, res.EventsRemoved, res.RecordBytesRemoved, res.DiskBytesBefore, res.DiskBytesAfter, time.Since(began))
	return res, err
}

// close stops the timer and the background scavenge and waits for them.
func (sc *scavenger) close() {
	sc.cancel()
	sc.wg.Wait()
}

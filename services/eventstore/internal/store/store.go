// Package store is the event store's storage engine: a durable,
// append-only event log on Pebble with a per-stream index, event-ID
// deduplication, stream state (revisions, deletes, metadata), group commit
// and a live feed for subscriptions.
//
// All writes go through a single committer goroutine that gathers every
// queued write into one Pebble batch (group commit), decides each against
// the stream states and applies the batch without waiting for its WAL
// sync, so the next group can join the next sync; a second goroutine waits
// for the syncs in order and only then answers the writers and feeds the
// subscribers (one fsync covers every group pending at that moment). Reads
// go straight to Pebble but never past the last durable position, and are
// safe for concurrent use.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
	dto "github.com/prometheus/client_model/go"
)

// Options configures a Store.
type Options struct {
	// Dir is the data directory. Ignored when InMemory is set.
	Dir string
	// InMemory keeps everything in memory (tests); nothing is durable.
	InMemory bool
	// Observer receives commit statistics; nil means none.
	Observer Observer
	// Now is the clock for event creation times and for the $maxAge of
	// reads and scavenges; nil means time.Now.
	Now func() time.Time
	// LiveBuffer is the number of committed batches a subscriber may lag
	// behind before it falls back to reading from disk. Zero means 256.
	LiveBuffer int
}

// Observer is told about every synced batch. Implementations must be safe
// for concurrent use and must not block.
type Observer interface {
	ObserveCommit(writes, events, bytes int, sync time.Duration)
}

// Store is the event store. It is safe for concurrent use.
type Store struct {
	db   *pebble.DB
	fs   vfs.FS
	dir  string
	hub  *hub
	now  func() time.Time
	obs  Observer
	live int

	mu     sync.RWMutex // guards closed and sends on ops
	closed bool
	ops    chan *writeOp
	done   chan struct{}

	broken atomic.Pointer[error] // set once a WAL sync fails

	// Scavenges: one at a time (scavengeMu); Close cancels them (stop) and
	// waits for them (scavenges) before closing Pebble.
	scavengeMu sync.Mutex
	scavenges  sync.WaitGroup
	stop       context.Context
	cancel     context.CancelFunc

	// Owned by the committer goroutine.
	nextPos uint64
	nextSID uint64
	states  map[string]*streamState
}

const maxCachedStates = 100_000

// Open opens (or creates) the store and recovers its positions.
func Open(opts Options) (*Store, error) {
	if !opts.InMemory && opts.Dir == "" {
		return nil, errors.New("open store: a data directory is required unless in memory")
	}
	popts := &pebble.Options{Logger: pebbleLogger{}, Cleaner: newUnrecycledCleaner(pebble.DeleteCleaner{}.Clean)}
	for i := range popts.Levels {
		// Bloom filters keep event-id lookups for new events (the
		// idempotency check of every append) from touching data blocks.
		popts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	popts.FS = vfs.Default
	if opts.InMemory {
		popts.FS = vfs.NewMem()
	}
	db, err := pebble.Open(opts.Dir, popts)
	if err != nil {
		return nil, fmt.Errorf("open pebble at %q: %w", opts.Dir, err)
	}
	s := &Store{
		db: db, fs: popts.FS, dir: opts.Dir, obs: opts.Observer, now: opts.Now, live: opts.LiveBuffer,
		ops: make(chan *writeOp, 1024), done: make(chan struct{}),
		states: map[string]*streamState{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.live <= 0 {
		s.live = 256
	}
	if err := s.recover(); err != nil {
		_ = db.Close()
		return nil, err
	}
	s.hub = newHub(s.nextPos - 1)
	s.stop, s.cancel = context.WithCancel(context.Background())
	go s.commitLoop()
	return s, nil
}

// recover finds the next log position and stream id from disk.
func (s *Store) recover() error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{tableLog}, UpperBound: []byte{tableLog + 1}})
	if err != nil {
		return fmt.Errorf("recover log end: %w", err)
	}
	s.nextPos = 1
	if it.Last() {
		pos, ok := logKeyPosition(it.Key())
		if !ok {
			_ = it.Close()
			return fmt.Errorf("recover log end: bad key %x", it.Key())
		}
		s.nextPos = pos + 1
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("recover log end: %w", err)
	}
	// A scavenge may have removed the last events of the log: positions
	// are never given out twice, so the next one also follows the highest
	// position a scavenge saw.
	if last, err := s.readU64(lastPositionKey); err != nil {
		return fmt.Errorf("recover log end: %w", err)
	} else if last+1 > s.nextPos {
		s.nextPos = last + 1
	}
	sid, err := s.readU64(nextStreamIDKey)
	if err != nil {
		return fmt.Errorf("recover stream ids: %w", err)
	}
	s.nextSID = max(sid, 1)
	return nil
}

// readU64 reads a counter of the meta table, 0 when absent.
func (s *Store) readU64(key []byte) (_ uint64, err error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer closeInto(&err, closer, "counter")
	return decodeU64(v), nil
}

// LastPosition is the log position of the last committed event, 0 when
// the log is empty.
func (s *Store) LastPosition() uint64 { return s.hub.lastPosition() }

// Close stops accepting writes, commits the writes already queued, ends
// every subscription and closes Pebble.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	s.mu.Unlock()
	s.cancel()
	s.scavenges.Wait()
	<-s.done
	s.hub.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close pebble: %w", err)
	}
	return nil
}

// EndSubscriptions ends every subscription (they fail with ErrClosed) and
// refuses new live feeds, ahead of a shutdown.
func (s *Store) EndSubscriptions() { s.hub.close() }

// Subscribers is the number of subscriptions following the live feed.
func (s *Store) Subscribers() int { return s.hub.subscribers() }

// WALFsyncs is the number of WAL fsyncs Pebble has done since Open; one
// fsync covers every group applied before it started.
func (s *Store) WALFsyncs() uint64 {
	var m dto.Metric
	if err := s.db.Metrics().LogWriter.FsyncLatency.Write(&m); err != nil {
		return 0
	}
	return m.GetHistogram().GetSampleCount()
}

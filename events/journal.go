package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// defaultPageSize is how many events ReadStream asks for per request.
const defaultPageSize = 512

// Journal stores and reads domain events through the official EventStoreDB client.
//
// A Journal is safe for concurrent use by many goroutines. When it was built by Open it owns its
// connection: if the client gives up on the server (it stops after MaxDiscoverAttempts failed
// discoveries, for example while the server restarts), the Journal builds a new client from the
// same connection string on the next call, so long-running subscriptions and services recover
// when the server is back. A Journal built by New uses the caller's client as is and cannot
// recover it.
type Journal struct {
	codec    *Codec
	log      *slog.Logger
	backoff  Backoff
	pageSize uint64
	conf     *esdb.Configuration // nil when built by New: no redial

	mu     sync.Mutex
	client *esdb.Client
	closed bool
}

// Option configures Open and New.
type Option func(*Journal)

// WithCodec encodes and decodes events with c instead of a Codec with default settings.
func WithCodec(c *Codec) Option {
	return func(j *Journal) {
		if c != nil {
			j.codec = c
		}
	}
}

// WithLogger logs subscription drops and resubscriptions (and the client's own messages, at
// debug level, when built by Open) to l instead of slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(j *Journal) {
		if l != nil {
			j.log = l
		}
	}
}

// WithBackoff sets how long subscriptions wait before resubscribing after a drop.
func WithBackoff(b Backoff) Option {
	return func(j *Journal) { j.backoff = b.withDefaults() }
}

// WithReadPageSize sets how many events ReadStream fetches per request (default 512).
func WithReadPageSize(n uint64) Option {
	return func(j *Journal) {
		if n > 0 {
			j.pageSize = n
		}
	}
}

func newJournal(opts []Option) *Journal {
	codec, _ := NewCodec() // cannot fail without options
	j := &Journal{codec: codec, log: slog.Default(), backoff: Backoff{}.withDefaults(), pageSize: defaultPageSize}
	for _, opt := range opts {
		opt(j)
	}
	return j
}

// Open connects to the event store at connectionString (an esdb:// or esdb+discover:// URL, for
// example "esdb://localhost:2113?tls=false") and checks within ctx that the server answers.
func Open(ctx context.Context, connectionString string, opts ...Option) (*Journal, error) {
	conf, err := esdb.ParseConnectionString(connectionString)
	if err != nil {
		return nil, fmt.Errorf("open journal: parse connection string: %w", err)
	}
	j := newJournal(opts)
	conf.Logger = clientLogger(j.log)
	j.conf = conf
	if j.client, err = esdb.NewClient(conf); err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if _, err := j.ServerVersion(ctx); err != nil {
		_ = j.Close()
		return nil, fmt.Errorf("open journal: %w", err)
	}
	return j, nil
}

// New wraps an existing client. The caller keeps ownership of c: Close does not close it.
func New(c *esdb.Client, opts ...Option) *Journal {
	j := newJournal(opts)
	j.client = c
	return j
}

// Close releases the connection of a Journal built by Open. Call it after every Append, read and
// subscription using the Journal has returned. Later calls fail with ErrClosed.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	if j.conf == nil {
		return nil
	}
	return j.client.Close()
}

// ServerVersion returns the server's version as "major.minor.patch", waiting at most until ctx
// is done. It is a cheap way to check that the server is reachable.
func (j *Journal) ServerVersion(ctx context.Context) (string, error) {
	var v *esdb.ServerVersion
	err := j.call(func(c *esdb.Client) (err error) {
		v, err = withContext(ctx, c.GetServerVersion) // the client's call takes no context
		return err
	})
	if err != nil {
		return "", fmt.Errorf("server version: %w", err)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch), nil
}

// withContext runs f in a goroutine and returns its answer, or ctx.Err() if ctx ends first (f
// then finishes in the background).
func withContext[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type answer struct {
		v   T
		err error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := f()
		done <- answer{v, err}
	}()
	select {
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	case a := <-done:
		return a.v, a.err
	}
}

// call runs op with the current client. If the client reports that it has closed for good and the
// Journal owns its connection, the Journal replaces the client and runs op once more: the closed
// client never sent the request, so the retry cannot duplicate anything.
func (j *Journal) call(op func(c *esdb.Client) error) error {
	c, err := j.current()
	if err != nil {
		return err
	}
	err = op(c)
	if !isClientClosed(err) || !j.replace(c) {
		return err
	}
	if c, err = j.current(); err != nil {
		return err
	}
	return op(c)
}

func (j *Journal) current() (*esdb.Client, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	return j.client, nil
}

// replace swaps a closed client old for a new one, if old is still current and the Journal can
// redial. It reports whether the current client is now a different one.
//
// The old client is not closed: the official client's state machine has already stopped, and
// closing it would make any goroutine still reporting an error to it panic.
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
	j.log.Info("event store client closed after failed discovery; reconnecting")
	j.client = c
	return true
}

func isClientClosed(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && e.Code() == esdb.ErrorCodeConnectionClosed
}

func clientLogger(l *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...any) {
		l.Debug(fmt.Sprintf(format, args...), "source", "esdb", "level", level)
	}
}

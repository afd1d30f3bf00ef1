package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

const (
	// defaultPageSize is how many events ReadStream asks for per request.
	defaultPageSize = 512
	// defaultOpenTimeout bounds the wait for a subscription to open (see WithOpenTimeout).
	defaultOpenTimeout = 15 * time.Second
	// closeWait bounds how long Close waits for client calls still running.
	closeWait = 5 * time.Second
)

// Journal stores and reads domain events through the official EventStoreDB client.
//
// A Journal is safe for concurrent use by many goroutines. When it was built by Open it owns its
// connection: if the client gives up on the server (it stops after MaxDiscoverAttempts failed
// discoveries, for example while the server restarts), the Journal builds a new client from the
// same connection string on the next call, so long-running subscriptions and services recover
// when the server is back. A Journal built by New uses the caller's client as is and cannot
// recover it.
//
// Give every call a context with a deadline. While the server is unreachable the official client
// waits for it without regard to the context, and a call caught while the client gives up can
// block for good; the Journal returns when ctx ends and leaves such a call behind (a goroutine).
// Subscriptions bound their own waits (WithOpenTimeout).
type Journal struct {
	codec    *Codec
	log      *slog.Logger
	backoff  Backoff
	pageSize uint64
	conf     *esdb.Configuration // nil when built by New: no redial

	// openTimeout bounds the wait for the client to open a subscription.
	openTimeout time.Duration

	mu       sync.Mutex
	client   *esdb.Client
	closed   bool
	inflight sync.WaitGroup // client calls running, including abandoned ones
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

// WithOpenTimeout bounds how long a subscription waits for the client to open it before it gives
// up and resubscribes (default 15s). The official client can block without regard to the
// context while it looks for a server.
func WithOpenTimeout(d time.Duration) Option {
	return func(j *Journal) {
		if d > 0 {
			j.openTimeout = d
		}
	}
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
	j := &Journal{
		codec: codec, log: slog.Default(), backoff: Backoff{}.withDefaults(),
		pageSize: defaultPageSize, openTimeout: defaultOpenTimeout,
	}
	for _, opt := range opts {
		opt(j)
	}
	return j
}

// Open connects to the event store at connectionString (see ParseConnectionString; for example
// "kurrentdb://localhost:2113?tls=false") and checks within ctx that the server answers.
func Open(ctx context.Context, connectionString string, opts ...Option) (*Journal, error) {
	conf, err := ParseConnectionString(connectionString)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
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

// connectionSchemes maps each scheme of an event store connection string to the one the
// EventStoreDB Go client parses: KurrentDB's names (kurrentdb://, kurrentdb+discover://, the same
// grammar) and EventStoreDB's. "+discover" finds the cluster's nodes by gossip.
var connectionSchemes = map[string]string{
	"esdb": "esdb", "esdb+discover": "esdb+discover",
	"kurrentdb": "esdb", "kurrentdb+discover": "esdb+discover",
}

// ErrConnectionScheme is the error of a connection string whose scheme is none of esdb://,
// esdb+discover://, kurrentdb:// and kurrentdb+discover://.
var ErrConnectionScheme = errors.New("must be an esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string")

// ParseConnectionString parses an event store connection string in the format the KurrentDB and
// EventStoreDB clients document: scheme://[user:password@]host[:port][,host[:port]...][?setting=value&...]
// with the scheme esdb, esdb+discover, kurrentdb or kurrentdb+discover (any case; the kurrentdb
// ones are the same grammar under KurrentDB's name), several hosts being gossip seeds, and settings
// such as tls, tlsCAFile (read here), tlsVerifyCert, userCertFile and userKeyFile, nodePreference
// and defaultDeadline. It translates the scheme only and leaves the rest to the official parser
// (esdb.ParseConnectionString). Errors never repeat the password.
func ParseConnectionString(connectionString string) (*esdb.Configuration, error) {
	esdbScheme, rest, err := splitScheme(connectionString)
	if err != nil {
		return nil, fmt.Errorf("parse connection string: %w", err)
	}
	conf, err := esdb.ParseConnectionString(esdbScheme + "://" + rest)
	if err != nil {
		return nil, fmt.Errorf("parse connection string: %w", redacted{err, password(rest)})
	}
	return conf, nil
}

// password returns the password of the user information in rest (what follows the scheme), if any.
func password(rest string) string {
	authority, _, _ := strings.Cut(rest, "/")
	authority, _, _ = strings.Cut(authority, "?")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(authority[:at], ":")
	return pw
}

// redacted is err with every occurrence of a password masked in its message (the URL parser
// quotes the whole string in its errors).
type redacted struct {
	err      error
	password string
}

func (r redacted) Error() string {
	if r.password == "" {
		return r.err.Error()
	}
	return strings.ReplaceAll(r.err.Error(), r.password, "xxxxx")
}

func (r redacted) Unwrap() error { return r.err }

// CheckConnectionString reports a connection string whose scheme ParseConnectionString refuses,
// without reading the files it names: what a service's configuration checks before it starts.
func CheckConnectionString(connectionString string) error {
	_, _, err := splitScheme(connectionString)
	return err
}

func splitScheme(connectionString string) (esdbScheme, rest string, err error) {
	scheme, rest, found := strings.Cut(connectionString, "://")
	esdbScheme, known := connectionSchemes[strings.ToLower(scheme)]
	if !found || !known {
		if !found {
			scheme = "" // no scheme: do not echo the string, it may hold a password
		}
		return "", "", fmt.Errorf("%w, not one with the scheme %q", ErrConnectionScheme, scheme)
	}
	return esdbScheme, rest, nil
}

// New wraps an existing client. The caller keeps ownership of c: Close does not close it.
func New(c *esdb.Client, opts ...Option) *Journal {
	j := newJournal(opts)
	j.client = c
	return j
}

// Close releases the connection of a Journal built by Open. Call it after every Append, read and
// subscription using the Journal has returned. It waits up to closeWait for client calls still
// running in the background (see clientCall); if some are stuck, it leaves the connection open
// rather than risk the official client panicking, and says so. Later calls fail with ErrClosed.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	c, owned := j.client, j.conf != nil
	j.mu.Unlock()
	if !owned {
		return nil
	}
	if !waitWithin(&j.inflight, closeWait) {
		return fmt.Errorf("close journal: client calls still running after %v; connection left open", closeWait)
	}
	return c.Close()
}

// ServerVersion returns the server's version as "major.minor.patch", waiting at most until ctx
// is done. It is a cheap way to check that the server is reachable.
func (j *Journal) ServerVersion(ctx context.Context) (string, error) {
	v, err := clientCall(ctx, j, 0, func(c *esdb.Client) (*esdb.ServerVersion, error) {
		return c.GetServerVersion()
	}, nil)
	if err != nil {
		return "", fmt.Errorf("server version: %w", err)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch), nil
}

func clientLogger(l *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...any) {
		l.Debug(fmt.Sprintf(format, args...), "source", "esdb", "level", level)
	}
}

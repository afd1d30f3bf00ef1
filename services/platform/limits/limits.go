// Package limits keeps one caller, or one connection, from taking a pathways server down: gRPC
// servers cap message sizes and concurrent streams and enforce a keepalive policy
// (GRPCServerOptions); HTTP servers bound how long reading, writing and idling may take and how
// big a header and a body may be (NewHTTPServer, MaxBody); and every caller has a token bucket
// (Limiter), refilled at a steady rate, that a call empties by one.
//
// A caller is the Principal the identity interceptor established (Principal.ID), or, for a call
// it admitted anonymously, the peer's IP address. A caller over its rate is answered
// ResourceExhausted with a google.rpc.RetryInfo detail saying how long to wait (gRPC), or 429
// Too Many Requests with a Retry-After header in seconds (HTTP). Health checks and server
// reflection are never limited, so probes keep working for a busy caller's address.
//
// The rate limiter must come after the identity interceptor in a server's chain, so that it sees
// the caller identity established:
//
//	grpc.NewServer(append(limits.GRPCServerOptions(cfg.Limits),
//		grpc.ChainUnaryInterceptor(rpcerr.RecoverUnary, auth.Unary, limiter.Unary),
//		grpc.ChainStreamInterceptor(rpcerr.RecoverStream, auth.Stream, limiter.Stream))...)
//
// A zero field means gRPC's or net/http's own default (for most, no limit), as it does in
// http.Server; DefaultConfig and DefaultHTTPConfig hold the values every binary runs with.
package limits

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// The defaults of Config (DefaultConfig).
const (
	DefaultMaxRecvMsgBytes      = 4 << 20 // gRPC's own default, made explicit
	DefaultMaxSendMsgBytes      = 16 << 20
	DefaultMaxConcurrentStreams = 256
	// DefaultPingMinInterval is the closest together a client may ping. The official KurrentDB
	// clients ping every 10 s even without calls; 5 s leaves them room for jitter.
	DefaultPingMinInterval   = 5 * time.Second
	DefaultMaxConnectionIdle = 15 * time.Minute
	DefaultPingInterval      = time.Minute
	DefaultPingTimeout       = 20 * time.Second
)

// Config is what a gRPC server caps, and how fast each caller may call it. A zero field means
// gRPC's own default (said for each); a negative one is refused by Validate. It is a value.
type Config struct {
	// MaxRecvMsgBytes is the largest message the server accepts; a bigger one is refused with
	// ResourceExhausted before any handler runs (0: gRPC's 4 MiB).
	MaxRecvMsgBytes int
	// MaxSendMsgBytes is the largest message the server sends; a handler's bigger answer
	// reaches the caller as ResourceExhausted (0: no cap).
	MaxSendMsgBytes int
	// MaxConcurrentStreams is how many calls one connection may have open at once (the HTTP/2
	// setting): a client opens more only as earlier ones end (0: no cap).
	MaxConcurrentStreams int
	// PingMinInterval is the keepalive enforcement: a client that pings more often than this
	// (with or without calls open) is sent GOAWAY "too_many_pings" and disconnected (0: gRPC's
	// 5 minutes).
	PingMinInterval time.Duration
	// MaxConnectionIdle closes (GOAWAY) a connection without calls for this long; clients
	// reconnect on their next call (0: never).
	MaxConnectionIdle time.Duration
	// PingInterval is how long a connection may be silent before the server pings it, and
	// PingTimeout how long it then waits for the answer before closing it: a vanished client's
	// streams end instead of holding resources (0: gRPC's 2 hours and 20 s).
	PingInterval, PingTimeout time.Duration
	// Rate is how fast each caller may call (the Limiter; PerSecond 0: no limit).
	Rate Rate
}

// DefaultConfig returns the limits every pathways gRPC server runs with unless told otherwise.
func DefaultConfig() Config {
	return Config{
		MaxRecvMsgBytes:      DefaultMaxRecvMsgBytes,
		MaxSendMsgBytes:      DefaultMaxSendMsgBytes,
		MaxConcurrentStreams: DefaultMaxConcurrentStreams,
		PingMinInterval:      DefaultPingMinInterval,
		MaxConnectionIdle:    DefaultMaxConnectionIdle,
		PingInterval:         DefaultPingInterval,
		PingTimeout:          DefaultPingTimeout,
		Rate:                 DefaultRate(),
	}
}

// Validate returns every problem at once, each naming its flag and rule.
func (c Config) Validate() error {
	var errs []error
	for _, n := range []struct {
		flag  string
		value int
	}{{flagMaxRecv, c.MaxRecvMsgBytes}, {flagMaxSend, c.MaxSendMsgBytes}, {flagMaxStreams, c.MaxConcurrentStreams}} {
		errs = append(errs, notNegative(n.flag, n.value))
	}
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{{flagPingMin, c.PingMinInterval}, {flagIdle, c.MaxConnectionIdle}, {flagPingInterval, c.PingInterval}, {flagPingTimeout, c.PingTimeout}} {
		errs = append(errs, notNegative(d.flag, d.value))
	}
	return errors.Join(append(errs, c.Rate.Validate())...)
}

func notNegative[T int | time.Duration | float64](flag string, v T) error {
	if v < 0 {
		return fmt.Errorf("%s: must not be negative, not %v", flag, v)
	}
	return nil
}

// GRPCServerOptions returns the server options that apply c: message size caps, the concurrent
// stream cap, the keepalive enforcement policy (always permitting pings without calls, at most
// one every PingMinInterval) and the server's own keepalive parameters. Append a service's own
// options after them; a later option of the same kind replaces an earlier one. The rate limit
// is not among them: it is an interceptor (Limiter), placed after identity in the chain.
func GRPCServerOptions(c Config) []grpc.ServerOption {
	var opts []grpc.ServerOption
	if c.MaxRecvMsgBytes > 0 {
		opts = append(opts, grpc.MaxRecvMsgSize(c.MaxRecvMsgBytes))
	}
	if c.MaxSendMsgBytes > 0 {
		opts = append(opts, grpc.MaxSendMsgSize(c.MaxSendMsgBytes))
	}
	if c.MaxConcurrentStreams > 0 {
		opts = append(opts, grpc.MaxConcurrentStreams(uint32(min(c.MaxConcurrentStreams, 1<<31))))
	}
	opts = append(opts, grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: c.PingMinInterval, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: c.MaxConnectionIdle, Time: c.PingInterval, Timeout: c.PingTimeout}))
	return opts
}

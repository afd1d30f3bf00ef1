package limits

import (
	"context"
	"fmt"
	"math"
	"net"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// Caller is the rate limit key of a gRPC call: "principal:" and the ID of the Principal the
// identity interceptor put in ctx, or "ip:" and the peer's IP address for a call without one.
func Caller(ctx context.Context) string {
	if p, ok := identity.FromContext(ctx); ok && p.ID() != "" {
		return "principal:" + p.ID()
	}
	if pr, ok := peer.FromContext(ctx); ok && pr.Addr != nil {
		return "ip:" + host(pr.Addr.String())
	}
	return "ip:unknown"
}

// host is the address without its port (a unix socket's or an in-memory listener's as it is).
func host(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// Unary is the unary server interceptor: a call over its caller's rate is refused with
// ResourceExhausted and a RetryInfo detail, before its handler runs. Place it after the
// identity interceptor.
func (l *Limiter) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if err := l.admit(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return next(ctx, req)
}

// Stream is the stream server interceptor: opening a stream costs one token, refused as Unary
// refuses a call; the messages on an open stream are not counted. Place it after the identity
// interceptor.
func (l *Limiter) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	if err := l.admit(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return next(srv, ss)
}

func (l *Limiter) admit(ctx context.Context, method string) error {
	if identity.Exempt(method) {
		return nil
	}
	if p, ok := identity.FromContext(ctx); ok && l.unlimited(p) {
		return nil
	}
	return l.Check(Caller(ctx))
}

// Check takes a token from key's bucket: nil, or, when it is empty, the ResourceExhausted
// status (with RetryInfo) Unary answers. For a server whose callers are not identity
// Principals (the event store's users) in an interceptor of its own.
func (l *Limiter) Check(key string) error {
	if ok, wait := l.Allow(key); !ok {
		return l.exhausted(wait)
	}
	return nil
}

// exhausted is the answer to a caller over its rate: ResourceExhausted, with a RetryInfo
// detail giving the wait, which retry policies and clients read.
func (l *Limiter) exhausted(wait time.Duration) error {
	st := status.New(codes.ResourceExhausted, fmt.Sprintf("too many calls: at most %g a second (bursts of %d) per caller; retry in %s",
		l.rate.PerSecond, l.rate.Burst, ceil(wait, time.Millisecond)))
	if detailed, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(wait)}); err == nil {
		st = detailed
	}
	return st.Err()
}

// ceil rounds d up to a multiple of unit.
func ceil(d, unit time.Duration) time.Duration {
	if r := d % unit; r > 0 && d <= math.MaxInt64-unit {
		return d + unit - r
	}
	return d
}

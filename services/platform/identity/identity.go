// Package identity establishes who is calling a pathways gRPC service: one interceptor (unary
// and stream) puts one Principal in the context of every call, and handlers read it with
// FromContext or check a role with Require.
//
// Until real authentication lands (issue #13) the caller is read from interim request metadata:
// x-actor (required), x-roles and x-eog (comma-separated; roles lower-cased). Replacing that with
// verified tokens is a change to this package only: no service reads those headers itself.
//
// Health checks (grpc.health.v1) and server reflection are exempt, so probes and grpcurl work
// without an identity.
package identity

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/fault"
)

// Principal is the caller: who (Subject, the stable identifier an identity provider vouches for;
// Actor, the name shown and recorded beside it), their roles, the Expert Oversight Groups they
// belong to and the organisations (ODS codes of PCNs or the provider) they work for. A service
// calling with its certificate has Service set (e.g. "worker") and no roles. Decisions that must
// tell people apart (four-eyes review) compare Subject, never Actor. It is a value; safe to share.
type Principal struct {
	Subject string
	Actor   string
	Roles   []string
	EOGs    []string
	Orgs    []string
	Service string
}

// ID returns the subject, or the actor for a principal made without one.
func (p Principal) ID() string {
	if p.Subject != "" {
		return p.Subject
	}
	return p.Actor
}

// InOrg reports whether the principal works for the organisation (an ODS code).
func (p Principal) InOrg(ods string) bool { return slices.Contains(p.Orgs, ods) }

// Has reports whether the principal holds role.
func (p Principal) Has(role string) bool { return slices.Contains(p.Roles, role) }

// MemberOf reports whether the principal belongs to the Expert Oversight Group.
func (p Principal) MemberOf(eog string) bool { return slices.Contains(p.EOGs, eog) }

// Require returns a fault.PermissionDenied error unless the principal is identified and holds
// role; action says what was attempted ("publish pathway versions").
func (p Principal) Require(role, action string) error {
	if p.Actor == "" {
		return fault.New(fault.PermissionDenied, "an identified actor is required to %s", action)
	}
	if !p.Has(role) {
		return fault.New(fault.PermissionDenied, "%s may not %s: the %q role is required", p.Actor, action, role)
	}
	return nil
}

type principalKey struct{}

// WithPrincipal returns a context carrying p, as the interceptor does (for tests and for calls
// made on a caller's behalf inside a process).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller the interceptor established; false for a call that was
// exempt or admitted anonymously.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Require returns the caller if they hold role: Unauthenticated when there is no caller,
// PermissionDenied (naming the role and the action) when they lack it.
func Require(ctx context.Context, role, action string) (Principal, error) {
	p, ok := FromContext(ctx)
	if !ok || p.Actor == "" {
		return Principal{}, status.Errorf(codes.Unauthenticated, "%s needs an identified caller", action)
	}
	if err := p.Require(role, action); err != nil {
		return p, status.Error(codes.PermissionDenied, err.Error())
	}
	return p, nil
}

// The interim request metadata the caller is read from (HTTP headers X-Actor, X-Roles, X-Eog
// through a gateway).
const (
	actorKey = "x-actor"
	rolesKey = "x-roles"
	eogKey   = "x-eog"
)

// ForwardedHeader reports whether an HTTP header carries identity a REST gateway must forward
// to the gRPC service, and the metadata key it becomes: for grpc-gateway's incoming header
// matcher.
func ForwardedHeader(header string) (string, bool) {
	switch k := strings.ToLower(header); k {
	case actorKey, rolesKey, eogKey:
		return k, true
	}
	return "", false
}

// Exempt reports whether a method (a full gRPC method name) is served without an identity:
// the health and server reflection services.
func Exempt(fullMethod string) bool {
	for _, prefix := range []string{"/grpc.health.v1.Health/", "/grpc.reflection.v1.ServerReflection/",
		"/grpc.reflection.v1alpha.ServerReflection/"} {
		if strings.HasPrefix(fullMethod, prefix) {
			return true
		}
	}
	return false
}

// Interceptor establishes the caller of every call. The zero value requires an identity on
// every method but the exempt ones.
type Interceptor struct {
	// Anonymous, when set, reports the methods a caller may use without an identity (an interim
	// policy: a service's private ingest API, say). A caller that does send one still gets a
	// Principal.
	Anonymous func(fullMethod string) bool
}

// Unary is the unary server interceptor.
func (i Interceptor) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	ctx, err := i.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return next(ctx, req)
}

// Stream is the stream server interceptor.
func (i Interceptor) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	ctx, err := i.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return next(srv, &stream{ServerStream: ss, ctx: ctx})
}

func (i Interceptor) authenticate(ctx context.Context, method string) (context.Context, error) {
	if Exempt(method) {
		return ctx, nil
	}
	p, ok := fromMetadata(ctx)
	switch {
	case ok:
		return WithPrincipal(ctx, p), nil
	case i.Anonymous != nil && i.Anonymous(method):
		return ctx, nil
	}
	return nil, status.Errorf(codes.Unauthenticated, "the %s metadata (HTTP header X-Actor) naming the caller is required", actorKey)
}

// fromMetadata reads the interim headers; false when x-actor is missing or blank.
func fromMetadata(ctx context.Context) (Principal, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	var p Principal
	if vs := md.Get(actorKey); len(vs) > 0 {
		p.Actor = strings.TrimSpace(vs[0])
	}
	if p.Actor == "" {
		return Principal{}, false
	}
	for _, r := range list(md.Get(rolesKey)) {
		p.Roles = append(p.Roles, strings.ToLower(r))
	}
	p.EOGs = list(md.Get(eogKey))
	p.Subject = p.Actor
	return p, true
}

// list splits comma-separated values, trimming blanks and dropping empty items.
func list(vs []string) []string {
	var out []string
	for _, v := range vs {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// stream is a server stream whose context carries the Principal.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

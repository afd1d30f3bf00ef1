// Package identity establishes who is calling a pathways service and whether they may: one
// Interceptor (gRPC unary and stream, and HTTP routes through Handle) puts one Principal in the
// context of every call it admits, and handlers read it with FromContext.
//
// People prove who they are with an OpenID Connect bearer access token, verified by
// TokenVerifier (go-oidc: signature against the provider's JWKS with key rotation, issuer,
// audience, expiry; asymmetric algorithms only). Roles, Expert Oversight Groups and
// organisations come from the token's claims through a configurable mapping (Claims). Services
// prove who they are with the client certificate of a mutual TLS connection. A Policy (the
// service's access table) then admits or refuses the call; nothing absent from it is allowed.
//
// A server started with -insecure (development on loopback only) has no Verifier and trusts
// the interim x-actor, x-roles, x-eog and x-orgs metadata instead. Health checks (grpc.health.v1) and
// server reflection are exempt, so probes and grpcurl work without an identity.
package identity

import (
	"context"
	"errors"
	"net/http"
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
	orgsKey  = "x-orgs"
)

// ForwardedHeader reports whether an HTTP header carries identity a REST gateway must forward
// to the gRPC service, and the metadata key it becomes: for grpc-gateway's incoming header
// matcher.
func ForwardedHeader(header string) (string, bool) {
	switch k := strings.ToLower(header); k {
	case actorKey, rolesKey, eogKey, orgsKey:
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

// Interceptor establishes and authorises the caller of every call, gRPC (Unary, Stream) or
// HTTP (Handle). A person proves who they are with a bearer access token (the authorization
// metadata or header) that Verifier checks; a service with the client certificate its mutual
// TLS connection presented (Services). Policy then decides: a call the table does not allow is
// refused before any handler runs.
type Interceptor struct {
	// Verifier checks bearer tokens. Nil only for a server started with -insecure: the interim
	// x-actor, x-roles and x-eog metadata are then trusted, for development on loopback.
	Verifier Verifier
	// Policy is the service's access table. Nil keeps the interim rule: any identified caller,
	// or anyone on the methods Anonymous reports.
	Policy Policy
	// Services reads the calling service's name from its verified client certificate.
	Services func(ctx context.Context) (string, bool)
	// Anonymous reports the methods a caller may use without an identity (a development
	// server on loopback without TLS, where services have no certificate to show).
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
	md, _ := metadata.FromIncomingContext(ctx)
	var token string
	if vs := md.Get("authorization"); len(vs) > 0 {
		token = vs[0]
	}
	var svc func() (string, bool)
	if i.Services != nil {
		svc = func() (string, bool) { return i.Services(ctx) }
	}
	p, ok, err := i.identify(ctx, token, svc, func() (Principal, bool) { return fromMetadata(md) })
	if err != nil && i.public(method) {
		p, ok, err = Principal{}, false, nil // a stale token does not shut anyone out of a public method
	}
	if err != nil {
		return nil, err
	}
	if err := i.decide(p, ok, method); err != nil {
		return nil, err
	}
	if ok {
		ctx = WithPrincipal(ctx, p)
	}
	return ctx, nil
}

// identify finds the caller: a verified bearer token first, then the service certificate;
// with no Verifier (insecure) the interim headers. A token that does not verify is refused
// even when a certificate would have served.
func (i Interceptor) identify(ctx context.Context, authorization string, service func() (string, bool), interim func() (Principal, bool)) (Principal, bool, error) {
	if i.Verifier == nil {
		p, ok := interim()
		return p, ok, nil
	}
	if authorization != "" {
		scheme, raw, _ := strings.Cut(strings.TrimSpace(authorization), " ")
		if !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(raw) == "" {
			return Principal{}, false, status.Error(codes.Unauthenticated, "the authorization must be \"Bearer <access token>\"")
		}
		p, err := i.Verifier.Verify(ctx, strings.TrimSpace(raw))
		var pe *ProviderError
		switch {
		case errors.As(err, &pe):
			return Principal{}, false, status.Error(codes.Unavailable, pe.Error())
		case err != nil:
			return Principal{}, false, status.Error(codes.Unauthenticated, err.Error())
		}
		return p, true, nil
	}
	if service != nil {
		if name, ok := service(); ok {
			return Principal{Subject: "service:" + name, Actor: name, Service: name}, true, nil
		}
	}
	return Principal{}, false, nil
}

// public reports whether the table opens key to anyone.
func (i Interceptor) public(key string) bool { return i.Policy != nil && i.Policy[key].Public }

func (i Interceptor) decide(p Principal, identified bool, key string) error {
	if !identified && i.Anonymous != nil && i.Anonymous(key) {
		return nil
	}
	if i.Policy != nil {
		return i.Policy.Decide(p, identified, key)
	}
	if identified || (i.Anonymous != nil && i.Anonymous(key)) {
		return nil
	}
	if i.Verifier != nil {
		return status.Errorf(codes.Unauthenticated, "%s needs a bearer access token", key)
	}
	return status.Errorf(codes.Unauthenticated, "the %s metadata (HTTP header X-Actor) naming the caller is required", actorKey)
}

// Handle guards one HTTP route: key is its row in the Policy ("GET /dashboard.csv"). The token
// is read by Token (default: the Authorization header); the calling service by HTTPServices.
// Refusals are 401 (with a WWW-Authenticate challenge), 403 or 503, as plain text.
func (i Interceptor) Handle(key string, h http.Handler, opts ...HTTPOption) http.Handler {
	var o httpOptions
	for _, opt := range opts {
		opt(&o)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authz := r.Header.Get("Authorization")
		if authz == "" && o.token != nil {
			if t := o.token(r); t != "" {
				authz = "Bearer " + t
			}
		}
		var svc func() (string, bool)
		if o.service != nil {
			svc = func() (string, bool) { return o.service(r) }
		}
		p, ok, err := i.identify(r.Context(), authz, svc, func() (Principal, bool) {
			return fromMetadata(metadata.MD{actorKey: r.Header.Values("X-Actor"), rolesKey: r.Header.Values("X-Roles"), eogKey: r.Header.Values("X-Eog"), orgsKey: r.Header.Values("X-Orgs")})
		})
		if err != nil && i.public(key) {
			p, ok, err = Principal{}, false, nil // a stale token does not shut anyone out of a public route
		}
		if err == nil {
			err = i.decide(p, ok, key)
		}
		if err != nil {
			if o.refused != nil && o.refused(w, r, err) {
				return
			}
			writeHTTPRefusal(w, err)
			return
		}
		if ok {
			r = r.WithContext(WithPrincipal(r.Context(), p))
		}
		h.ServeHTTP(w, r)
	})
}

// HTTPOption adjusts Handle.
type HTTPOption func(*httpOptions)

type httpOptions struct {
	token   func(*http.Request) string
	service func(*http.Request) (string, bool)
	refused func(http.ResponseWriter, *http.Request, error) bool
}

// TokenFrom reads the access token from the request when it has no Authorization header (a
// session cookie's token, say).
func TokenFrom(f func(*http.Request) string) HTTPOption {
	return func(o *httpOptions) { o.token = f }
}

// ServiceFrom reads the calling service's name from the request's verified client certificate.
func ServiceFrom(f func(*http.Request) (string, bool)) HTTPOption {
	return func(o *httpOptions) { o.service = f }
}

// OnRefusal lets the caller answer a refusal itself (a web page redirects to sign-in); it
// returns false to leave the answer to Handle.
func OnRefusal(f func(http.ResponseWriter, *http.Request, error) bool) HTTPOption {
	return func(o *httpOptions) { o.refused = f }
}

func writeHTTPRefusal(w http.ResponseWriter, err error) {
	st := status.Convert(err)
	code := http.StatusForbidden
	switch st.Code() {
	case codes.Unauthenticated:
		code = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="pathways", error="invalid_token"`)
	case codes.Unavailable:
		code = http.StatusServiceUnavailable
	}
	http.Error(w, st.Message(), code)
}

// fromMetadata reads the interim headers; false when x-actor is missing or blank.
func fromMetadata(md metadata.MD) (Principal, bool) {
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
	p.Orgs = list(md.Get(orgsKey))
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

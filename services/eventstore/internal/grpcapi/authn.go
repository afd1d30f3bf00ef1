package grpcapi

import (
	"context"
	"crypto/x509"
	"slices"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
)

// authorizationKey is the metadata key the official clients put Basic credentials in.
const authorizationKey = "authorization"

// Authenticator says who makes each call, as KurrentDB does: a user certificate (a client
// certificate verified by the TLS layer against the trusted CAs, for client authentication
// only, whose common name is a known user) names its user; otherwise Basic credentials in the
// authorization metadata must be a known user's name and password; a call with neither is
// anonymous. Credentials that fail answer Unauthenticated, which the clients report as
// ErrorCodeUnauthenticated. The caller is put in the call's context for the handlers. It is
// safe for concurrent use.
type Authenticator struct {
	users *auth.Directory
}

// NewAuthenticator authenticates against users.
func NewAuthenticator(users *auth.Directory) *Authenticator { return &Authenticator{users: users} }

// Unary is the unary server interceptor.
func (a *Authenticator) Unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	p, err := a.principal(ctx)
	if err != nil {
		return nil, err
	}
	return next(withPrincipal(ctx, p), req)
}

// Stream is the stream server interceptor.
func (a *Authenticator) Stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	p, err := a.principal(ss.Context())
	if err != nil {
		return err
	}
	return next(srv, &principalStream{ServerStream: ss, ctx: withPrincipal(ss.Context(), p)})
}

func (a *Authenticator) principal(ctx context.Context) (auth.Principal, error) {
	if cert := userCertificate(ctx); cert != nil {
		p, ok := a.users.Lookup(cert.Subject.CommonName)
		if !ok {
			return auth.Anonymous, status.Error(codes.Unauthenticated, "the user certificate names no known user")
		}
		return p, nil
	}
	values := metadata.ValueFromIncomingContext(ctx, authorizationKey)
	if len(values) == 0 {
		return auth.Anonymous, nil
	}
	name, password, ok := auth.ParseBasic(values[0])
	if !ok || len(values) > 1 {
		return auth.Anonymous, status.Error(codes.Unauthenticated, "authorization: must be one set of Basic credentials")
	}
	p, err := a.users.Authenticate(name, password)
	if err != nil {
		return auth.Anonymous, status.Error(codes.Unauthenticated, "authentication failed: "+err.Error())
	}
	return p, nil
}

// userCertificate answers the caller's verified client certificate when it is a user
// certificate (client authentication, not a node's server certificate), else nil.
func userCertificate(ctx context.Context) *x509.Certificate {
	pr, ok := peer.FromContext(ctx)
	if !ok {
		return nil
	}
	info, ok := pr.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.PeerCertificates) == 0 {
		return nil
	}
	leaf := info.State.PeerCertificates[0]
	if slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageServerAuth) ||
		!slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		return nil
	}
	return leaf
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom answers the caller the Authenticator found (anonymous when none ran).
func principalFrom(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey{}).(auth.Principal)
	return p
}

// principalStream is a server stream whose context carries the caller.
type principalStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *principalStream) Context() context.Context { return s.ctx }

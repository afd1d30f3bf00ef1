package ports

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
)

// Request metadata the caller's identity is read from, until real authentication lands. Replacing
// it touches only Authenticate.
const (
	ActorHeader = "x-actor"
	RolesHeader = "x-roles"
	EOGHeader   = "x-eog"
)

type principalKey struct{}

// WithPrincipal returns a context carrying the caller.
func WithPrincipal(ctx context.Context, p domain.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller put in the context by Authenticate.
func PrincipalFrom(ctx context.Context) (domain.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(domain.Principal)
	return p, ok
}

// Authenticate is the one interceptor that establishes who is calling: it reads x-actor
// (required), x-roles and x-eog (comma-separated) and puts a domain.Principal in the context.
// A call without x-actor fails with Unauthenticated before reaching a handler.
func Authenticate(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	actor := strings.TrimSpace(first(md.Get(ActorHeader)))
	if actor == "" {
		return nil, status.Errorf(codes.Unauthenticated, "the %s metadata naming the caller is required", ActorHeader)
	}
	p := domain.Principal{Actor: actor, EOGs: list(md.Get(EOGHeader))}
	for _, r := range list(md.Get(RolesHeader)) {
		p.Roles = append(p.Roles, domain.Role(strings.ToLower(r)))
	}
	return next(WithPrincipal(ctx, p), req)
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func list(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

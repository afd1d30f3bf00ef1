package ports

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Request metadata carrying the caller's identity (HTTP headers X-Actor, X-Roles through the
// gateway), the same as the governance service, until real authentication lands.
const (
	ActorHeader = "x-actor"
	RolesHeader = "x-roles"
)

// RoleCoordinator is the role every command needs.
const RoleCoordinator = "coordinator"

// Principal is the caller.
type Principal struct {
	Actor string
	Roles []string
}

type principalKey struct{}

// PrincipalFrom returns the caller put in the context by Authenticate.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Authenticate reads x-actor (required) and x-roles (comma-separated) into a Principal; a call
// without x-actor fails with Unauthenticated before reaching a handler. Health checks pass.
func Authenticate(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if strings.HasPrefix(info.FullMethod, "/grpc.health.") {
		return next(ctx, req)
	}
	md, _ := metadata.FromIncomingContext(ctx)
	actor := ""
	if vs := md.Get(ActorHeader); len(vs) > 0 {
		actor = strings.TrimSpace(vs[0])
	}
	if actor == "" {
		return nil, status.Errorf(codes.Unauthenticated, "the %s metadata (HTTP header X-Actor) naming the caller is required", ActorHeader)
	}
	p := Principal{Actor: actor}
	for _, v := range md.Get(RolesHeader) {
		for _, r := range strings.Split(v, ",") {
			if r = strings.ToLower(strings.TrimSpace(r)); r != "" {
				p.Roles = append(p.Roles, r)
			}
		}
	}
	return next(context.WithValue(ctx, principalKey{}, p), req)
}

// requireCoordinator returns the caller if they hold the coordinator role.
func requireCoordinator(ctx context.Context) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return Principal{}, status.Error(codes.Unauthenticated, "no caller identity")
	}
	if !slices.Contains(p.Roles, RoleCoordinator) {
		return Principal{}, status.Errorf(codes.PermissionDenied, "%s lacks the %q role (x-roles) this command needs", p.Actor, RoleCoordinator)
	}
	return p, nil
}

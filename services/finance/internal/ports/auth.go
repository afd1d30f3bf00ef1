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

// Request metadata the caller's identity is read from, until real authentication lands.
const (
	ActorHeader = "x-actor"
	RolesHeader = "x-roles"
	// AdminRole may create, amend and settle contracts.
	AdminRole = "finance-admin"
)

// Caller is who is calling.
type Caller struct {
	Actor string
	Roles []string
}

// Has reports whether the caller holds role.
func (c Caller) Has(role string) bool { return slices.Contains(c.Roles, role) }

type callerKey struct{}

// CallerFrom returns the caller put in the context by Authenticate.
func CallerFrom(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}

// Authenticate reads x-actor (required) and x-roles (comma-separated) for FinanceService and
// FinanceFeedService calls. The ingest service is called by the journey worker and is not
// gated here (it is meant for a private network until service authentication lands).
func Authenticate(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if strings.Contains(info.FullMethod, "FinanceIngestService") {
		return next(ctx, req)
	}
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return next(context.WithValue(ctx, callerKey{}, c), req)
}

// AuthenticateStream is Authenticate for streams.
func AuthenticateStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	if _, err := caller(ss.Context()); err != nil {
		return err
	}
	return next(srv, ss)
}

func caller(ctx context.Context) (Caller, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	var c Caller
	if vs := md.Get(ActorHeader); len(vs) > 0 {
		c.Actor = strings.TrimSpace(vs[0])
	}
	if c.Actor == "" {
		return c, status.Errorf(codes.Unauthenticated, "the %s metadata naming the caller is required", ActorHeader)
	}
	for _, v := range md.Get(RolesHeader) {
		for _, r := range strings.Split(v, ",") {
			if r = strings.ToLower(strings.TrimSpace(r)); r != "" {
				c.Roles = append(c.Roles, r)
			}
		}
	}
	return c, nil
}

func requireAdmin(ctx context.Context) (Caller, error) {
	c := CallerFrom(ctx)
	if !c.Has(AdminRole) {
		return c, status.Errorf(codes.PermissionDenied, "%s may not change contracts: the %s role is required", c.Actor, AdminRole)
	}
	return c, nil
}

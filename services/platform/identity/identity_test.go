package identity_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/platform/fault"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

const command = "/pathways.example.v1.ExampleService/Do"

// callUnary runs the interceptor for method with incoming metadata md and returns the Principal
// the handler saw (and whether it saw one) and the call's error.
func callUnary(i identity.Interceptor, method string, md metadata.MD) (identity.Principal, bool, error) {
	var got identity.Principal
	var ok bool
	ctx := metadata.NewIncomingContext(context.Background(), md)
	_, err := i.Unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, _ any) (any, error) {
		got, ok = identity.FromContext(ctx)
		return nil, nil
	})
	return got, ok, err
}

func TestInterceptorReadsThePrincipal(t *testing.T) {
	tests := []struct {
		name string
		md   metadata.MD
		want identity.Principal
		code codes.Code
	}{
		{name: "no metadata", md: nil, code: codes.Unauthenticated},
		{name: "roles without actor", md: metadata.Pairs("x-roles", "author"), code: codes.Unauthenticated},
		{name: "blank actor", md: metadata.Pairs("x-actor", "  "), code: codes.Unauthenticated},
		{name: "actor only", md: metadata.Pairs("x-actor", " reader "), want: identity.Principal{Subject: "reader", Actor: "reader"}},
		{name: "roles lower-cased, EOGs kept, blanks dropped",
			md: metadata.Pairs("x-actor", "bob", "x-roles", "Reviewer, PUBLISHER,", "x-roles", "author", "x-eog", "MSK Clinical Expert Oversight Group, copd-eog"),
			want: identity.Principal{Subject: "bob", Actor: "bob", Roles: []string{"reviewer", "publisher", "author"},
				EOGs: []string{"MSK Clinical Expert Oversight Group", "copd-eog"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := callUnary(identity.Interceptor{}, command, tt.md)
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			if tt.code != codes.OK {
				require.Contains(t, status.Convert(err).Message(), "x-actor")
				return
			}
			require.True(t, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestHealthAndReflectionAreExempt(t *testing.T) {
	for _, method := range []string{
		"/grpc.health.v1.Health/Check",
		"/grpc.health.v1.Health/Watch",
		"/grpc.health.v1.Health/List",
		"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
		"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
	} {
		t.Run(method, func(t *testing.T) {
			_, ok, err := callUnary(identity.Interceptor{}, method, nil)
			require.NoError(t, err)
			require.False(t, ok, "an exempt call carries no principal")
			require.True(t, identity.Exempt(method))
		})
	}
	for _, method := range []string{command, "/grpc.healthy.Fake/Check", "/pathways.grpc.health.v1.Health/Check"} {
		require.False(t, identity.Exempt(method), method)
	}
}

func TestAnonymousPolicy(t *testing.T) {
	i := identity.Interceptor{Anonymous: func(m string) bool { return m == "/pathways.example.v1.IngestService/Record" }}
	_, ok, err := callUnary(i, "/pathways.example.v1.IngestService/Record", nil)
	require.NoError(t, err, "admitted without an identity")
	require.False(t, ok)
	got, ok, err := callUnary(i, "/pathways.example.v1.IngestService/Record", metadata.Pairs("x-actor", "worker"))
	require.NoError(t, err)
	require.True(t, ok, "a caller who says who they are is still identified")
	require.Equal(t, "worker", got.Actor)
	_, _, err = callUnary(i, command, nil)
	require.Equal(t, codes.Unauthenticated, status.Code(err), "other methods still need an identity")
}

type fakeStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s fakeStream) Context() context.Context { return s.ctx }

func TestStreamInterceptor(t *testing.T) {
	run := func(method string, md metadata.MD) (identity.Principal, bool, error) {
		var got identity.Principal
		var ok bool
		ss := fakeStream{ctx: metadata.NewIncomingContext(t.Context(), md)}
		err := identity.Interceptor{}.Stream(nil, ss, &grpc.StreamServerInfo{FullMethod: method}, func(_ any, ss grpc.ServerStream) error {
			got, ok = identity.FromContext(ss.Context())
			return nil
		})
		return got, ok, err
	}
	_, _, err := run("/pathways.example.v1.FeedService/Follow", nil)
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	got, ok, err := run("/pathways.example.v1.FeedService/Follow", metadata.Pairs("x-actor", "dash", "x-roles", "Finance-Reader"))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, identity.Principal{Subject: "dash", Actor: "dash", Roles: []string{"finance-reader"}}, got)
	_, _, err = run("/grpc.health.v1.Health/Watch", nil)
	require.NoError(t, err)
}

func TestRequire(t *testing.T) {
	coordinator := identity.Principal{Actor: "c1", Roles: []string{"coordinator"}}
	tests := []struct {
		name string
		ctx  context.Context
		code codes.Code
	}{
		{"no principal", t.Context(), codes.Unauthenticated},
		{"wrong role", identity.WithPrincipal(t.Context(), identity.Principal{Actor: "c1", Roles: []string{"reviewer"}}), codes.PermissionDenied},
		{"holds the role", identity.WithPrincipal(t.Context(), coordinator), codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := identity.Require(tt.ctx, "coordinator", "triage referrals")
			require.Equal(t, tt.code, status.Code(err), "%v", err)
			if tt.code == codes.OK {
				require.Equal(t, coordinator, p)
			}
		})
	}
	err := identity.Principal{Actor: "erin", Roles: []string{"author"}}.Require("reviewer", "review pathway versions")
	require.ErrorIs(t, err, &fault.Error{Kind: fault.PermissionDenied})
	require.EqualError(t, err, `erin may not review pathway versions: the "reviewer" role is required`)
	require.ErrorIs(t, identity.Principal{}.Require("reviewer", "review"), &fault.Error{Kind: fault.PermissionDenied})
	require.True(t, identity.Principal{EOGs: []string{"msk-eog"}}.MemberOf("msk-eog"))
}

func TestForwardedHeader(t *testing.T) {
	for h, want := range map[string]string{"X-Actor": "x-actor", "X-Roles": "x-roles", "x-eog": "x-eog"} {
		got, ok := identity.ForwardedHeader(h)
		require.True(t, ok, h)
		require.Equal(t, want, got)
	}
	_, ok := identity.ForwardedHeader("Cookie")
	require.False(t, ok)
}

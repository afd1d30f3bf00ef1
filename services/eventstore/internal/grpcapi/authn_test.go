package grpcapi

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
)

func TestAuthenticatorReadsBasicCredentials(t *testing.T) {
	users, err := auth.NewDirectory(auth.BuiltIn("pw", "ops-pw"))
	require.NoError(t, err)
	a := NewAuthenticator(users)
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	call := func(values ...string) (auth.Principal, error) {
		ctx := context.Background()
		for _, v := range values {
			ctx = metadata.AppendToOutgoingContext(ctx, authorizationKey, v)
		}
		md, _ := metadata.FromOutgoingContext(ctx)
		var got auth.Principal
		_, err := a.Unary(metadata.NewIncomingContext(context.Background(), md), nil, nil, func(ctx context.Context, _ any) (any, error) {
			got = principalFrom(ctx)
			return nil, nil
		})
		return got, err
	}

	p, err := call()
	require.NoError(t, err)
	require.False(t, p.Authenticated(), "no credentials: anonymous")
	p, err = call(basic("admin:pw"))
	require.NoError(t, err)
	require.True(t, p.IsAdmin())
	p, err = call(basic("ops:ops-pw"))
	require.NoError(t, err)
	require.True(t, p.IsOps())
	for name, values := range map[string][]string{
		"wrong password":   {basic("admin:ops-pw")},
		"unknown user":     {basic("nobody:pw")},
		"bearer token":     {"Bearer abc"},
		"garbage":          {"Basic %%%"},
		"two sets of them": {basic("admin:pw"), basic("ops:ops-pw")},
	} {
		_, err := call(values...)
		require.Equal(t, codes.Unauthenticated, status.Code(err), name)
	}
}

package ports

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/governance/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

func TestErrorsMapToStatusCodes(t *testing.T) {
	tests := []struct {
		err  error
		code codes.Code
	}{
		{domain.PathwayNotFound("x"), codes.NotFound},
		{fmt.Errorf("save: %w", domain.Conflictf("lost")), codes.Aborted},
		{&domain.Error{Kind: domain.KindPermissionDenied, Message: "no"}, codes.PermissionDenied},
		{&domain.Error{Kind: domain.KindFailedPrecondition, Message: "it is published"}, codes.FailedPrecondition},
		{context.Canceled, codes.Canceled},
		{errors.New("disk on fire"), codes.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			st := status.Convert(toStatus(t.Context(), tt.err))
			require.Equal(t, tt.code, st.Code())
			if tt.code == codes.Internal {
				require.NotContains(t, st.Message(), "disk on fire", "internal details stay in the log")
			}
		})
	}
}

func TestValidationErrorCarriesEveryFieldViolation(t *testing.T) {
	err := toStatus(t.Context(), (domain.Violations{{Field: "title", Description: "is required"}, {Field: "owning_eog", Description: "is required"}}).Err())
	st := status.Convert(err)
	require.Equal(t, codes.InvalidArgument, st.Code())
	require.Len(t, st.Details(), 1)
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	require.True(t, ok)
	require.Len(t, br.GetFieldViolations(), 2)
	require.Equal(t, "owning_eog", br.GetFieldViolations()[1].GetField())
}

func TestAuthenticateBuildsThePrincipal(t *testing.T) {
	tests := []struct {
		name string
		md   metadata.MD
		want domain.Principal
		code codes.Code
	}{
		{name: "no actor", md: metadata.Pairs("x-roles", "author"), code: codes.Unauthenticated},
		{name: "blank actor", md: metadata.Pairs("x-actor", "  "), code: codes.Unauthenticated},
		{name: "roles and EOGs", md: metadata.Pairs("x-actor", "bob", "x-roles", "Reviewer, publisher,", "x-eog", "msk-eog, copd-eog"),
			want: domain.Principal{Actor: "bob", Roles: []domain.Role{domain.RoleReviewer, domain.RolePublisher}, EOGs: []string{"msk-eog", "copd-eog"}}},
		{name: "reader", md: metadata.Pairs("x-actor", "reader"), want: domain.Principal{Actor: "reader"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got domain.Principal
			handler := func(ctx context.Context, _ any) (any, error) {
				got, _ = identity.FromContext(ctx)
				return nil, nil
			}
			ctx := metadata.NewIncomingContext(t.Context(), tt.md)
			_, err := Identity.Unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/pathways.governance.v1.GovernanceService/Publish"}, handler)
			require.Equal(t, tt.code, status.Code(err))
			require.Equal(t, tt.want, got)
		})
	}
}

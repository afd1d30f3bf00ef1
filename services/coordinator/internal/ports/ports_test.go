package ports

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

func TestToStatus(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		code  codes.Code
		stage string
	}{
		{"validation", domain.Violations{{Field: "nhs_number", Description: "check digit does not match (modulus 11)"}}.Err(), codes.InvalidArgument, ""},
		{"not found", domain.Refuse(domain.KindNotFound, "journey x not found"), codes.NotFound, ""},
		{"already exists", domain.Refuse(domain.KindAlreadyExists, "referral used"), codes.AlreadyExists, ""},
		{"wrong stage", &domain.Error{Kind: domain.KindFailedPrecondition, Message: "not now", Stage: "cats-assessment"}, codes.FailedPrecondition, "cats-assessment"},
		{"lost race", &domain.Error{Kind: domain.KindAborted, Message: "changed", Stage: "physio-telephone"}, codes.Aborted, "physio-telephone"},
		{"unavailable", domain.Refuse(domain.KindUnavailable, "temporal down"), codes.Unavailable, ""},
		{"worker too old", domain.Refuse(domain.KindUnimplemented, "the journey worker does not handle this request yet"), codes.Unimplemented, ""},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, ""},
		{"anything else is hidden", errors.New("disk on fire 9434765919"), codes.Internal, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := status.Convert(toStatus(context.Background(), tt.err))
			require.Equal(t, tt.code, st.Code())
			require.NotContains(t, st.Message(), "9434765919")
			var stage string
			var fields []string
			for _, d := range st.Details() {
				switch d := d.(type) {
				case *errdetails.ErrorInfo:
					stage = d.GetMetadata()["stage"]
				case *errdetails.BadRequest:
					for _, v := range d.GetFieldViolations() {
						fields = append(fields, v.GetField())
					}
				}
			}
			require.Equal(t, tt.stage, stage)
			if tt.code == codes.InvalidArgument {
				require.Equal(t, []string{"nhs_number"}, fields)
			}
		})
	}
}

func TestAuthenticateAndRoles(t *testing.T) {
	info := &grpc.UnaryServerInfo{FullMethod: "/pathways.coordinator.v1.CoordinatorService/Triage"}
	handler := func(ctx context.Context, _ any) (any, error) {
		_, err := requireCoordinator(ctx)
		return nil, err
	}
	call := func(kv ...string) error {
		ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs(kv...))
		_, err := Authenticate(ctx, nil, info, handler)
		return err
	}
	require.Equal(t, codes.Unauthenticated, status.Code(call()), "no actor")
	require.Equal(t, codes.PermissionDenied, status.Code(call("x-actor", "c1", "x-roles", "reviewer")), "wrong role")
	require.NoError(t, call("x-actor", "c1", "x-roles", "reviewer, Coordinator"), "roles are comma-separated, any case")
}

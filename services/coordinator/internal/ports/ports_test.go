package ports

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

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
		{"wrong stage", domain.AtStage(domain.KindFailedPrecondition, "cats-assessment", nil, "not now"), codes.FailedPrecondition, "cats-assessment"},
		{"lost race", fmt.Errorf("triage: %w", domain.AtStage(domain.KindAborted, "physio-telephone", nil, "changed")), codes.Aborted, "physio-telephone"},
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
			var stage, reason string
			var fields []string
			for _, d := range st.Details() {
				switch d := d.(type) {
				case *errdetails.ErrorInfo:
					stage, reason = d.GetMetadata()["stage"], d.GetReason()
					require.Equal(t, "pathways.coordinator", d.GetDomain())
				case *errdetails.BadRequest:
					for _, v := range d.GetFieldViolations() {
						fields = append(fields, v.GetField())
					}
				}
			}
			require.Equal(t, tt.stage, stage)
			switch tt.code {
			case codes.FailedPrecondition:
				require.Equal(t, "TRANSITION_NOT_ALLOWED", reason)
			case codes.Aborted:
				require.Equal(t, "JOURNEY_CHANGED", reason)
			}
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
		_, err := Identity.Unary(ctx, nil, info, handler)
		return err
	}
	require.Equal(t, codes.Unauthenticated, status.Code(call()), "no actor")
	require.Equal(t, codes.PermissionDenied, status.Code(call("x-actor", "c1", "x-roles", "reviewer")), "wrong role")
	require.NoError(t, call("x-actor", "c1", "x-roles", "reviewer, Coordinator"), "roles are comma-separated, any case")
}

// TestHealthCheckNeedsNoIdentity: a load balancer's probe sends no x-actor; through the
// coordinator's interceptors (the server's chain) it must still be answered SERVING.
func TestHealthCheckNeedsNoIdentity(t *testing.T) {
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(Identity.Unary), grpc.ChainStreamInterceptor(Identity.Stream))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	client := healthpb.NewHealthClient(conn)

	res, err := client.Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
	watch, err := client.Watch(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	res, err = watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
}

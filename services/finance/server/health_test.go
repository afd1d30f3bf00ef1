package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestHealthCheckNeedsNoIdentity: a load balancer's or Kubernetes' probe sends no token and no
// certificate and must still be answered SERVING, by Check and by the Watch stream.
func TestHealthCheckNeedsNoIdentity(t *testing.T) {
	_, c := start(t, testConfig(t, startStore(t)))
	health := healthpb.NewHealthClient(c.conn)

	res, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
	watch, err := health.Watch(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	res, err = watch.Recv()
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, res.GetStatus())
}

package eventstore_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"os"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/embedded"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/diskscan"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/operationspb"
)

// operationsClient dials the Operations service over TLS, trusting the server's CA, as a
// KurrentDB admin tool does (the official Go clients have no scavenge call).
func operationsClient(t *testing.T, srv *embedded.Server) operationspb.OperationsClient {
	t.Helper()
	pem, err := os.ReadFile(srv.CAFile())
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(
		credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return operationspb.NewOperationsClient(conn)
}

// as is ctx carrying Basic credentials, as the official clients send them.
func as(ctx context.Context, user, password string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization",
		"Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
}

func startScavenge(ctx context.Context, ops operationspb.OperationsClient) (*operationspb.ScavengeResp, error) {
	return ops.StartScavenge(ctx, &operationspb.StartScavengeReq{Options: &operationspb.StartScavengeReq_Options{ThreadCount: 1}})
}

func TestStartScavengeIsForAdminsAndOps(t *testing.T) {
	dir := t.TempDir()
	srv, err := embedded.Start(t.Context(), embedded.Options{DataDir: dir,
		Security: &embedded.Security{Users: []embedded.User{alice}}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	ops := operationsClient(t, srv)
	admin := connect(t, srv.URL())

	for name, ctx := range map[string]context.Context{
		"anonymous":  ctxT(t),
		"plain user": as(ctxT(t), alice.Name, alice.Password),
	} {
		_, err := startScavenge(ctx, ops)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "%s: %v", name, err)
	}
	_, err = startScavenge(as(ctxT(t), "admin", "wrong"), ops)
	require.Equal(t, codes.Unauthenticated, status.Code(err))

	marker := patientData(t)
	appendData(t, admin, "patient-1", markedData(marker, 3)...)
	_, err = admin.DeleteStream(ctxT(t), "patient-1", esdb.DeleteStreamOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, filesHolding(t, dir, marker))

	res, err := startScavenge(as(ctxT(t), "ops", "changeit"), ops)
	require.NoError(t, err)
	require.NotEmpty(t, res.ScavengeId)
	require.Equal(t, operationspb.ScavengeResp_Started, res.ScavengeResult)
	again, err := startScavenge(as(ctxT(t), "admin", "changeit"), ops)
	require.NoError(t, err)
	if again.ScavengeResult == operationspb.ScavengeResp_InProgress {
		require.Equal(t, res.ScavengeId, again.ScavengeId, "a second start names the running scavenge")
	}
	// StartScavenge answers at once, as KurrentDB's does: the data leaves the disk soon after.
	require.Eventually(t, func() bool {
		hits, err := diskscan.Find(dir, marker)
		return err == nil && len(hits) == 0
	}, 30*time.Second, 10*time.Millisecond, "the started scavenge removes the deleted stream's data")
}

func TestOperationsBadInput(t *testing.T) {
	srv, err := embedded.Start(t.Context(), embedded.Options{InMemory: true, Security: &embedded.Security{}})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	ops := operationsClient(t, srv)
	ctx := as(ctxT(t), "admin", "changeit")

	_, err = ops.StartScavenge(ctx, &operationspb.StartScavengeReq{Options: &operationspb.StartScavengeReq_Options{ThreadCount: -1}})
	requireBadField(t, err, "options.thread_count")
	_, err = ops.StartScavenge(ctx, &operationspb.StartScavengeReq{Options: &operationspb.StartScavengeReq_Options{StartFromChunk: -2}})
	requireBadField(t, err, "options.start_from_chunk")
	_, err = ops.StopScavenge(ctx, &operationspb.StopScavengeReq{})
	requireBadField(t, err, "options.scavenge_id")
	_, err = ops.StopScavenge(ctx, &operationspb.StopScavengeReq{Options: &operationspb.StopScavengeReq_Options{ScavengeId: "no-such-scavenge"}})
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = ops.StopScavenge(as(ctxT(t), alice.Name, alice.Password), &operationspb.StopScavengeReq{
		Options: &operationspb.StopScavengeReq_Options{ScavengeId: "x"}})
	require.Equal(t, codes.Unauthenticated, status.Code(err), "alice is not a user of this server")
}

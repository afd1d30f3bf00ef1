package temporalserver

import (
	"context"
	"fmt"
	"time"

	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/protobuf/types/known/durationpb"
)

const pollEvery = 100 * time.Millisecond

// waitReady polls the frontend, as the server's own clients reach it (over TLS with the client
// certificate when TLS is on), until the namespace can be described or ctx ends; then it sets
// the namespace's retention when it differs from retention (non-zero). The client reads and
// writes no payloads (namespace calls only), so it needs no payload codec.
func (s *Server) waitReady(ctx context.Context, namespace string, retention time.Duration) error {
	// gRPC's reconnection backoff (1s, growing to 2 min) would notice the frontend seconds after
	// it is up: poll at pollEvery instead.
	fast := grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: time.Second,
		Backoff: backoff.Config{BaseDelay: pollEvery, Multiplier: 1, MaxDelay: pollEvery}})
	c, err := client.NewLazyClient(client.Options{HostPort: s.frontend, Namespace: namespace, Logger: quietLogger{},
		ConnectionOptions: client.ConnectionOptions{TLS: s.clientTLS, DialOptions: []grpc.DialOption{fast}}})
	if err != nil {
		return fmt.Errorf("temporal client for %s: %w", s.frontend, err)
	}
	defer c.Close()
	var ns *workflowservice.DescribeNamespaceResponse
	err = poll(ctx, "temporal frontend "+s.frontend, func(ctx context.Context) error {
		ns, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
		return err
	})
	if err != nil || retention == 0 || ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() == retention {
		return err
	}
	_, err = c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{Namespace: namespace,
		Config: &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(retention)}})
	if err != nil {
		return fmt.Errorf("set the retention of namespace %s to %s: %w", namespace, retention, err)
	}
	return nil
}

// poll calls try until it succeeds or ctx ends, returning the last error with ctx's.
func poll(ctx context.Context, what string, try func(context.Context) error) error {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		callCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := try(callCtx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w (last error: %w)", what, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// quietLogger drops the SDK client's logs while waiting.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

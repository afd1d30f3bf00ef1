package serve

import (
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/nhs-pathways/pathways/services/platform/limits"
)

// DefaultStopWithin is how long Stop lets calls in flight finish before cutting them off.
const DefaultStopWithin = 10 * time.Second

// GRPC is what every pathways gRPC server has besides its own services: the grpc.health.v1
// service (every service SERVING from the start) and server reflection (v1 and v1alpha, so
// grpcurl can list and describe the services), and a graceful stop with a deadline.
type GRPC struct {
	server *grpc.Server
	health *health.Server
}

// Register adds the health service and server reflection to srv. Call it once per server, before
// Serve; the services registered afterwards are listed by reflection too.
func Register(srv *grpc.Server) *GRPC {
	h := health.NewServer()
	healthpb.RegisterHealthServer(srv, h)
	reflection.Register(srv)
	return &GRPC{server: srv, health: h}
}

// NewGRPC returns a gRPC server with the caps every pathways server has,
// limits.GRPCServerOptions(caps) (message sizes, concurrent streams, keepalive enforcement),
// then opts (the service's stats handler, interceptor chains, credentials; an option in opts of
// the same kind as a cap replaces it), and the health service and reflection registered on it.
// The per-caller rate limit is an interceptor the service chains itself, after identity.
func NewGRPC(caps limits.Config, opts ...grpc.ServerOption) (*grpc.Server, *GRPC) {
	srv := grpc.NewServer(append(limits.GRPCServerOptions(caps), opts...)...)
	return srv, Register(srv)
}

// Health is the server's health service, e.g. to report one service NOT_SERVING for a while.
func (g *GRPC) Health() *health.Server { return g.health }

// Stop reports NOT_SERVING for every service at once (Check answers it and Watch streams receive
// it while the listener is still open, so a load balancer stops sending), then stops the server
// gracefully: no new calls, calls in flight may finish for up to within (DefaultStopWithin if 0),
// after which they are cancelled. It returns once the server has stopped.
func (g *GRPC) Stop(within time.Duration) {
	if within <= 0 {
		within = DefaultStopWithin
	}
	g.health.Shutdown()
	stopped := make(chan struct{})
	go func() {
		g.server.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(within)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		g.server.Stop()
		<-stopped
	}
}

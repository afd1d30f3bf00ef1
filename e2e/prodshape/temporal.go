package prodshape

import (
	"context"
	"fmt"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// temporalService is the frontend's service name in grpc.health.v1.
const temporalService = "temporal.api.workflowservice.v1.WorkflowService"

// startTemporal runs the Temporal server on PostgreSQL (persistence and SQL visibility), every
// service over mutual TLS with the "temporal" certificate, the namespace registered at start.
func (s *Shape) startTemporal(ctx context.Context) error {
	if s.opts.ExternalTemporal != "" {
		p := s.process("temporal", "temporal")
		p.addr = s.opts.ExternalTemporal
		s.Temporal = p
		return nil
	}
	addr, err := freeAddr(ctx)
	if err != nil {
		return err
	}
	p := s.process("temporal", "temporal", "-listen", addr, "-namespace", Namespace,
		"-persistence-db-url", s.pg.URL("temporal"), "-visibility-db-url", s.pg.URL("temporal_visibility"),
		"-tls-cert", s.ca.Cert("temporal"), "-tls-key", s.ca.Key("temporal"), "-tls-ca", s.ca.CAFile,
		"-tls-client-ca", s.ca.CAFile, "-tls-require-client-cert",
		"-tls-client-cert", s.ca.Cert("temporal"), "-tls-client-key", s.ca.Key("temporal"),
		"-data-dir", s.path("temporal"), "-server-log", s.path("logs", "temporal-server.log"))
	p.addr = addr
	// The frontend wants a client certificate: the scraper's will do for a health check.
	p.health = func(ctx context.Context) error {
		var res healthpb.HealthCheckResponse
		if err := invoke(ctx, addr, s.scraper, healthpb.Health_Check_FullMethodName,
			&healthpb.HealthCheckRequest{Service: temporalService}, &res); err != nil {
			return err
		}
		if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("temporal frontend: %s", res.GetStatus())
		}
		return nil
	}
	s.Temporal = p
	return p.Start(ctx)
}

package prodshape

import (
	"context"
)

// startTemporal runs the Temporal server on PostgreSQL (persistence and SQL visibility), its
// frontend over mutual TLS with the "temporal" certificate.
func (s *Shape) startTemporal(ctx context.Context) error {
	if s.opts.ExternalTemporal != "" {
		p := s.process("temporal", "temporal")
		p.addr = s.opts.ExternalTemporal
		s.Temporal = p
		return nil
	}
	addrs, err := freeAddrs(ctx, 2)
	if err != nil {
		return err
	}
	p := s.process("temporal", "temporal", "-listen", addrs[0], "-metrics-listen", addrs[1])
	p.addr = addrs[0]
	p.health = grpcHealth(p.addr, s.client)
	s.Temporal = p
	return p.Start(ctx)
}

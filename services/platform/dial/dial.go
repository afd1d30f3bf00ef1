// Package dial turns the address setting of an upstream service (a flag such as -finance-addr)
// into a gRPC client that spreads its calls over every replica behind it. A setting is one of:
//
//   - "host:port": one address, dialled as given (gRPC's passthrough resolver: the host is
//     looked up by the system at each connection, as a Kubernetes Service's address is);
//   - "dns:///name:port": gRPC's DNS resolver; every A and AAAA record of name is a backend,
//     looked up again when a connection fails (a Kubernetes headless Service);
//   - "host1:port,host2:port,...": a static list, each element a backend (a manual resolver of
//     its own per client).
//
// Every client balances its calls round robin over the backends that are ready, and checks each
// backend with the grpc.health.v1 Watch call every pathways server answers (service ""): a
// replica that reports NOT_SERVING, as one does when it starts to stop, gets no new calls. A
// server without the health service is taken as healthy.
//
// Validation names the flag: an empty setting, an empty element of a list or an element without
// a port is refused. The functions are safe for concurrent use.
package dial

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"google.golang.org/grpc"
	_ "google.golang.org/grpc/health" // registers the client-side health check the service config turns on
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
)

// ServiceConfig is the default service config of every client: round robin over the ready
// backends, each health-checked with grpc.health.v1 (the server's overall health, service "").
const ServiceConfig = `{"loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":""}}`

// staticScheme is the scheme of a static list's target, resolved by the client's own manual
// resolver (grpc.WithResolvers), so it clashes with no other client.
const staticScheme = "pathways-static"

// dnsPrefix starts a setting resolved by gRPC's DNS resolver (the default DNS server; an
// authority naming another one is not supported).
const dnsPrefix = "dns:///"

// Target returns the gRPC target and the dial options (resolver and service config) of addr,
// the setting of flag; the caller adds its credentials and other options. It refuses a
// malformed setting with an error naming flag.
func Target(flag, addr string) (string, []grpc.DialOption, error) {
	opts := []grpc.DialOption{grpc.WithDefaultServiceConfig(ServiceConfig)}
	switch {
	case strings.HasPrefix(addr, dnsPrefix):
		if err := hostPort(strings.TrimPrefix(addr, dnsPrefix)); err != nil {
			return "", nil, fmt.Errorf("%s: %q: %w", flag, addr, err)
		}
		return addr, opts, nil
	case strings.Contains(addr, ","):
		elems := strings.Split(addr, ",")
		addrs := make([]resolver.Address, 0, len(elems))
		var errs []error
		for i, e := range elems {
			e = strings.TrimSpace(e)
			if err := hostPort(e); err != nil {
				errs = append(errs, fmt.Errorf("%s: element %d of %q: %w", flag, i+1, addr, err))
				continue
			}
			host, _, _ := net.SplitHostPort(e)
			addrs = append(addrs, resolver.Address{Addr: e, ServerName: host})
		}
		if len(errs) > 0 {
			return "", nil, errors.Join(errs...)
		}
		r := manual.NewBuilderWithScheme(staticScheme)
		r.InitialState(resolver.State{Addresses: addrs})
		return staticScheme + ":///" + addrs[0].Addr, append(opts, grpc.WithResolvers(r)), nil
	default:
		if err := hostPort(addr); err != nil {
			return "", nil, fmt.Errorf("%s: %w", flag, err)
		}
		return "passthrough:///" + addr, opts, nil
	}
}

// Check reports what Target would refuse in addr, the setting of flag: for a configuration's
// Validate.
func Check(flag, addr string) error {
	_, _, err := Target(flag, addr)
	return err
}

// NewClient returns a client of addr, the setting of flag, with opts (credentials, stats
// handler, ...) after the options of Target. gRPC connects on the first call.
func NewClient(flag, addr string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	target, base, err := Target(flag, addr)
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(target, append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, addr, err)
	}
	return conn, nil
}

// hostPort refuses anything but host:port with a port (an empty host is this machine).
func hostPort(addr string) error {
	if addr == "" {
		return errors.New(`must be host:port, "dns:///name:port" or a list "host1:port,host2:port", not empty`)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port, not %q: %w", addr, err)
	}
	if port == "" {
		return fmt.Errorf("must be host:port, not %q: the port is missing", addr)
	}
	return nil
}

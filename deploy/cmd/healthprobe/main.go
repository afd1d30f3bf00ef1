// Command healthprobe is the health check every pathways image runs (Docker HEALTHCHECK, Compose
// healthcheck, a Kubernetes exec probe where TLS rules out the kubelet's own gRPC probe). It asks
// a gRPC server's grpc.health.v1.Health/Check and exits 0 when the answer is SERVING, or, with
// -http-path, GETs that path and exits 0 on a 2xx; anything else exits 1 with the reason on stderr.
//
// It is a static binary of the standard library alone (gRPC's framing over net/http's HTTP/2), so
// it adds a few megabytes to a distroless image and nothing to the build graph. TLS settings come
// from its flags or, with -env-prefix COORDINATOR, from the service's own variables
// (COORDINATOR_TLS_CA, COORDINATOR_TLS_CERT, COORDINATOR_TLS_KEY, COORDINATOR_INSECURE), so the
// probe presents the service's certificate as its client certificate and needs no setting of its
// own. Dialling a loopback address without -tls-server-name verifies the server's certificate
// chain against the CA but not the name: the process probed is the one beside it.
//
//	healthprobe -addr 127.0.0.1:9101 -env-prefix COORDINATOR
//	healthprobe -addr 127.0.0.1:9115 -http-path /metrics -env-prefix WORKER
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stderr)) //nolint:forbidigo // main's exit status is the probe's answer
}

// run probes as args and getenv say and returns the exit status: 0 healthy, 1 not, 2 bad usage.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	p, err := parse(args, getenv, stderr)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "healthprobe:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if err := p.probe(ctx); err != nil {
		_, _ = fmt.Fprintln(stderr, "healthprobe:", err)
		return 1
	}
	return 0
}

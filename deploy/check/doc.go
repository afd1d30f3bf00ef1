// Package check holds the checks CI runs on what deploy/ ships, without a Docker engine or a
// cluster: every Dockerfile parses with BuildKit's parser and each image it builds runs as a
// numeric non-root user with a HEALTHCHECK on a static base (Dockerfile); the Compose file loads
// with compose-go, interpolation included, and runs every pathways service with two replicas,
// a read-only root filesystem and a healthcheck (Compose); the Helm chart renders with Helm's
// own library and every manifest decodes strictly into the Kubernetes API types (RenderChart,
// DecodeStrict); and every container of every workload passes the pod policy (PodPolicy):
// readiness and liveness probes, resource requests and limits, non-root, read-only root
// filesystem, no privilege escalation, every capability dropped, the RuntimeDefault seccomp
// profile.
//
// The functions return every problem found, each naming the file, stage, service or object and
// the rule, so a failing test says what to fix. The tests in this package apply them to the
// files in deploy/ and to broken copies, so each rule is shown to catch its defect.
package check

package check

import (
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// PodPolicy returns every way the pod spec's containers (init containers included) break the
// policy each workload must meet: readiness and liveness probes (init containers excepted),
// CPU and memory requests and limits, runAsNonRoot (container or pod), no uid 0, a read-only
// root filesystem, no privilege escalation, no privileged mode, every capability dropped and
// none added, and the RuntimeDefault (or Localhost) seccomp profile (container or pod).
// where names the workload in the messages.
func PodPolicy(where string, spec corev1.PodSpec) error {
	var errs []error
	check := func(c corev1.Container, init bool) {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: container %q: "+format, append([]any{where, c.Name}, a...)...))
		}
		if !init && c.ReadinessProbe == nil {
			fail("no readinessProbe")
		}
		if !init && c.LivenessProbe == nil {
			fail("no livenessProbe")
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Limits[r]; !ok {
				fail("no resources.limits.%s", r)
			}
			if _, ok := c.Resources.Requests[r]; !ok {
				fail("no resources.requests.%s", r)
			}
		}
		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		psc := spec.SecurityContext
		if psc == nil {
			psc = &corev1.PodSecurityContext{}
		}
		if !isTrue(sc.RunAsNonRoot) && (sc.RunAsNonRoot != nil || !isTrue(psc.RunAsNonRoot)) {
			fail("runAsNonRoot is not true")
		}
		if (sc.RunAsUser != nil && *sc.RunAsUser == 0) || (sc.RunAsUser == nil && psc.RunAsUser != nil && *psc.RunAsUser == 0) {
			fail("runs as uid 0")
		}
		if !isTrue(sc.ReadOnlyRootFilesystem) {
			fail("readOnlyRootFilesystem is not true")
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			fail("allowPrivilegeEscalation is not false")
		}
		if isTrue(sc.Privileged) {
			fail("privileged")
		}
		if sc.Capabilities == nil || !dropsAll(sc.Capabilities.Drop) {
			fail("capabilities.drop does not include ALL")
		} else if len(sc.Capabilities.Add) > 0 {
			fail("capabilities.add %v", sc.Capabilities.Add)
		}
		if !seccompConfined(sc.SeccompProfile) && (sc.SeccompProfile != nil || !seccompConfined(psc.SeccompProfile)) {
			fail("seccompProfile is not RuntimeDefault")
		}
	}
	if len(spec.Containers) == 0 {
		errs = append(errs, fmt.Errorf("%s: no containers", where))
	}
	for _, c := range spec.InitContainers {
		check(c, true)
	}
	for _, c := range spec.Containers {
		check(c, false)
	}
	return errors.Join(errs...)
}

func isTrue(b *bool) bool { return b != nil && *b }

func dropsAll(caps []corev1.Capability) bool {
	for _, c := range caps {
		if c == "ALL" {
			return true
		}
	}
	return false
}

func seccompConfined(p *corev1.SeccompProfile) bool {
	return p != nil && (p.Type == corev1.SeccompProfileTypeRuntimeDefault || p.Type == corev1.SeccompProfileTypeLocalhost)
}

func joinErrs(errs []error) error { return errors.Join(errs...) }

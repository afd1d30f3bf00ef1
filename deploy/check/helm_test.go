package check_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/nhs-pathways/pathways/deploy/check"
)

const chartDir = "../helm/pathways"

func render(t *testing.T, values map[string]any) []check.Object {
	t.Helper()
	ms, err := check.RenderChart(chartDir, "pathways", "pathways", values)
	require.NoError(t, err)
	objs, err := check.DecodeStrict(ms)
	require.NoError(t, err)
	return objs
}

func byKind(objs []check.Object, kind string) map[string]check.Object {
	out := map[string]check.Object{}
	for _, o := range objs {
		if o.Kind == kind {
			out[o.Name] = o
		}
	}
	return out
}

func envOf(c corev1.Container) map[string]string {
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			env[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		}
	}
	return env
}

func TestChartRendersStrictlyAndEveryWorkloadPassesThePolicy(t *testing.T) {
	objs := render(t, nil)
	counts := map[string]int{}
	for _, o := range objs {
		counts[o.Kind]++
	}
	require.Equal(t, map[string]int{"Deployment": 5, "Service": 5, "ServiceAccount": 5, "PodDisruptionBudget": 5,
		"NetworkPolicy": 5, "ServiceMonitor": 5}, counts)

	for name, o := range byKind(objs, "Deployment") {
		d := o.Value.(*appsv1.Deployment)
		require.Equal(t, int32(2), *d.Spec.Replicas, name)
		require.NoError(t, check.PodPolicy(name, d.Spec.Template.Spec))
		c := d.Spec.Template.Spec.Containers[0]
		if name == "pathways-worker" {
			require.Equal(t, "/metrics", c.ReadinessProbe.HTTPGet.Path)
			require.Equal(t, corev1.URISchemeHTTPS, c.ReadinessProbe.HTTPGet.Scheme)
			continue
		}
		// The kubelet's gRPC probe cannot speak TLS: the image's probe does, with the service's certificate.
		require.NotNil(t, c.ReadinessProbe.Exec, name)
		require.Equal(t, "/usr/local/bin/healthprobe", c.LivenessProbe.Exec.Command[0], name)
	}
	worker := byKind(objs, "Deployment")["pathways-worker"].Value.(*appsv1.Deployment)
	env := envOf(worker.Spec.Template.Spec.Containers[0])
	require.Equal(t, "dns:///pathways-finance:9103", env["WORKER_FINANCE_ADDR"])
	require.Equal(t, "dns:///pathways-dashboard:9104", env["WORKER_DASHBOARD_ADDR"])
	require.Equal(t, "secret:pathways-payload-keys/payload-keys.json", env["PATHWAYS_PAYLOAD_KEYS"])
	require.Equal(t, "secret:pathways-eventstore-url/url", env["WORKER_EVENTSTORE_URL"])
	finance := byKind(objs, "Deployment")["pathways-finance"].Value.(*appsv1.Deployment)
	require.Equal(t, "secret:pathways-finance-db/url", envOf(finance.Spec.Template.Spec.Containers[0])["FINANCE_LEDGER"])

	// finance and dashboard are headless, so DNS names every replica for round_robin.
	for name, o := range byKind(objs, "Service") {
		headless := o.Value.(*corev1.Service).Spec.ClusterIP == corev1.ClusterIPNone
		require.Equal(t, name == "pathways-finance" || name == "pathways-dashboard", headless, name)
	}
	sm := byKind(objs, "ServiceMonitor")["pathways-finance"].Value.(map[string]any)
	require.Equal(t, "http", sm["spec"].(map[string]any)["endpoints"].([]any)[0].(map[string]any)["port"])
}

func TestChartWithoutTLSUsesTheKubeletsGRPCProbe(t *testing.T) {
	objs := render(t, map[string]any{"tls": map[string]any{"enabled": false}, "probes": map[string]any{"mode": "grpc"}})
	d := byKind(objs, "Deployment")["pathways-governance"].Value.(*appsv1.Deployment)
	c := d.Spec.Template.Spec.Containers[0]
	require.Equal(t, int32(9102), c.ReadinessProbe.GRPC.Port)
	require.Equal(t, "true", envOf(c)["GOVERNANCE_INSECURE"])
	require.NoError(t, check.PodPolicy("governance", d.Spec.Template.Spec))

	_, err := check.RenderChart(chartDir, "pathways", "pathways", map[string]any{"probes": map[string]any{"mode": "grpc"}})
	require.ErrorContains(t, err, "cannot speak TLS")
}

// TestNetworkPoliciesAllowOnlyTheArchitecturesCalls reads every policy's pathways-to-pathways
// rules, both ends, and compares them with the calls the architecture has.
func TestNetworkPoliciesAllowOnlyTheArchitecturesCalls(t *testing.T) {
	want := []string{"coordinator->governance", "dashboard->finance", "worker->dashboard", "worker->finance", "worker->governance"}
	objs := render(t, nil)
	var egress, ingress []string
	for _, o := range byKind(objs, "NetworkPolicy") {
		np := o.Value.(*networkingv1.NetworkPolicy)
		self := np.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"]
		require.ElementsMatch(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, np.Spec.PolicyTypes)
		for _, r := range np.Spec.Egress {
			for _, peer := range r.To {
				if peer.PodSelector != nil && peer.NamespaceSelector == nil {
					egress = append(egress, self+"->"+peer.PodSelector.MatchLabels["app.kubernetes.io/name"])
				}
			}
		}
		for _, r := range np.Spec.Ingress {
			for _, peer := range r.From {
				if peer.PodSelector != nil && peer.NamespaceSelector == nil {
					ingress = append(ingress, peer.PodSelector.MatchLabels["app.kubernetes.io/name"]+"->"+self)
				}
			}
		}
	}
	slices.Sort(egress)
	slices.Sort(ingress)
	require.Equal(t, want, egress)
	require.Equal(t, want, ingress)

	// The stores: only those that own data reach PostgreSQL; the worker has no database.
	reaches := func(svc string, port int32) bool {
		np := byKind(objs, "NetworkPolicy")["pathways-"+svc].Value.(*networkingv1.NetworkPolicy)
		for _, r := range np.Spec.Egress {
			for _, p := range r.Ports {
				if p.Port != nil && p.Port.IntVal == port {
					return true
				}
			}
		}
		return false
	}
	for svc, wantPG := range map[string]bool{"finance": true, "dashboard": true, "coordinator": true, "worker": false, "governance": false} {
		require.Equal(t, wantPG, reaches(svc, 5432), "%s -> postgres", svc)
		require.True(t, reaches(svc, 2113), "%s -> eventstore", svc)
		require.True(t, reaches(svc, 4317), "%s -> collector", svc)
	}
	for svc, wantTemporal := range map[string]bool{"coordinator": true, "worker": true, "finance": false, "dashboard": false, "governance": false} {
		require.Equal(t, wantTemporal, reaches(svc, 7233), "%s -> temporal", svc)
	}
}

func TestStrictDecodingRefusesWhatKubernetesWouldNot(t *testing.T) {
	ms, err := check.RenderChart(chartDir, "pathways", "pathways", nil)
	require.NoError(t, err)
	var deployment check.Manifest
	for _, m := range ms {
		if _, kind, name, _ := m.Kind(); kind == "Deployment" && name == "pathways-finance" {
			deployment = m
		}
	}
	require.NotEmpty(t, deployment.YAML)
	edit := func(old, new string) check.Manifest {
		require.Contains(t, deployment.YAML, old)
		return check.Manifest{Template: deployment.Template, YAML: strings.Replace(deployment.YAML, old, new, 1)}
	}
	cases := map[string]struct {
		m    check.Manifest
		want string
	}{
		"unknown field":      {edit("  replicas: 2\n", "  replicas: 2\n  replica: 2\n"), `unknown field "replica"`},
		"misspelled probe":   {edit("readinessProbe:", "readinessProbes:"), `unknown field "readinessProbes"`},
		"duplicated field":   {edit("  replicas: 2\n", "  replicas: 2\n  replicas: 3\n"), `key "replicas" already set`},
		"wrong type":         {edit("  replicas: 2\n", "  replicas: two\n"), "strict decode"},
		"unknown apiVersion": {edit("apiVersion: apps/v1", "apiVersion: apps/v1beta1"), "no Kubernetes API type known"},
		"no name":            {edit("  name: pathways-finance\n", "  generateName: pathways-finance\n"), "without metadata.name"},
		"monitor v1alpha1": {check.Manifest{Template: "sm", YAML: "apiVersion: monitoring.coreos.com/v1alpha1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {}\n"},
			"no Kubernetes API type known"},
		"monitor without spec": {check.Manifest{Template: "sm", YAML: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n"}, "no spec"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := check.DecodeStrict([]check.Manifest{c.m})
			require.ErrorContains(t, err, c.want)
		})
	}
}

// TestPodPolicyCatchesEachDefect breaks copies of the rendered coordinator Deployment.
func TestPodPolicyCatchesEachDefect(t *testing.T) {
	objs := render(t, nil)
	orig := byKind(objs, "Deployment")["pathways-coordinator"].Value.(*appsv1.Deployment)
	require.NoError(t, check.PodPolicy("coordinator", orig.Spec.Template.Spec))
	f, tr, root := false, true, int64(0)
	cases := map[string]struct {
		breakIt func(s *corev1.PodSpec)
		want    string
	}{
		"no readiness probe": {func(s *corev1.PodSpec) { s.Containers[0].ReadinessProbe = nil }, "no readinessProbe"},
		"no liveness probe":  {func(s *corev1.PodSpec) { s.Containers[0].LivenessProbe = nil }, "no livenessProbe"},
		"no memory limit":    {func(s *corev1.PodSpec) { delete(s.Containers[0].Resources.Limits, corev1.ResourceMemory) }, "no resources.limits.memory"},
		"no limits":          {func(s *corev1.PodSpec) { s.Containers[0].Resources.Limits = nil }, "no resources.limits.cpu"},
		"no requests":        {func(s *corev1.PodSpec) { s.Containers[0].Resources.Requests = nil }, "no resources.requests.cpu"},
		"may run as root": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.RunAsNonRoot = nil
			s.SecurityContext.RunAsNonRoot = nil
		}, "runAsNonRoot is not true"},
		"container overrides pod": {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.RunAsNonRoot = &f }, "runAsNonRoot is not true"},
		"uid 0":                   {func(s *corev1.PodSpec) { s.SecurityContext.RunAsUser = &root }, "runs as uid 0"},
		"writable root":           {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.ReadOnlyRootFilesystem = &f }, "readOnlyRootFilesystem is not true"},
		"escalation":              {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.AllowPrivilegeEscalation = &tr }, "allowPrivilegeEscalation is not false"},
		"privileged":              {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.Privileged = &tr }, "privileged"},
		"capabilities kept": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Drop = []corev1.Capability{"NET_RAW"}
		}, "capabilities.drop does not include ALL"},
		"capability added": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		}, "capabilities.add"},
		"unconfined seccomp": {func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		}, "seccompProfile is not RuntimeDefault"},
		"no security context": {func(s *corev1.PodSpec) { s.Containers[0].SecurityContext = nil }, "readOnlyRootFilesystem is not true"},
		"bad init container": {func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox"}}
		}, `container "setup": no resources.limits.cpu`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			d := orig.DeepCopy()
			c.breakIt(&d.Spec.Template.Spec)
			err := check.PodPolicy("coordinator", d.Spec.Template.Spec)
			require.ErrorContains(t, err, c.want)
		})
	}
}

package check

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
)

// Object is a manifest decoded strictly into its k8s.io/api type (or, for the custom resources
// in customKinds, a map whose apiVersion and kind were checked).
type Object struct {
	Manifest
	APIVersion, Kind, Name string
	Value                  any
}

// kubeTypes are the API types the chart may render, by apiVersion and kind.
var kubeTypes = map[string]func() any{
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"v1/PersistentVolumeClaim":                func() any { return &corev1.PersistentVolumeClaim{} },
	"v1/Secret":                               func() any { return &corev1.Secret{} },
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":            func() any { return &networkingv1.Ingress{} },
	"monitoring.coreos.com/v1/ServiceMonitor": nil, // a custom resource: customKinds
}

// customKinds are the custom resources the chart may render; no Go type is imported for them,
// so they are checked as maps: the apiVersion and kind, and a spec.
var customKinds = map[string]bool{"monitoring.coreos.com/v1/ServiceMonitor": true}

// DecodeStrict decodes every manifest into its Kubernetes API type, refusing unknown fields,
// duplicated fields, kinds the chart is not expected to render and objects without a name.
func DecodeStrict(ms []Manifest) ([]Object, error) {
	var objs []Object
	var errs []error
	for _, m := range ms {
		obj, err := decodeOne(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objs = append(objs, obj)
	}
	return objs, joinErrs(errs)
}

func decodeOne(m Manifest) (Object, error) {
	apiVersion, kind, name, err := m.Kind()
	if err != nil {
		return Object{}, err
	}
	obj := Object{Manifest: m, APIVersion: apiVersion, Kind: kind, Name: name}
	key := apiVersion + "/" + kind
	if name == "" {
		return obj, fmt.Errorf("%s: %s without metadata.name", m.Template, key)
	}
	where := fmt.Sprintf("%s: %s %q", m.Template, key, name)
	if customKinds[key] {
		var v map[string]any
		if err := decodeStrict(m.YAML, &v); err != nil {
			return obj, fmt.Errorf("%s: %w", where, err)
		}
		if _, ok := v["spec"].(map[string]any); !ok {
			return obj, fmt.Errorf("%s: no spec", where)
		}
		obj.Value = v
		return obj, nil
	}
	newT, ok := kubeTypes[key]
	if !ok || newT == nil {
		return obj, fmt.Errorf("%s: %w", where, errUnknownKind)
	}
	v := newT()
	if err := decodeStrict(m.YAML, v); err != nil {
		return obj, fmt.Errorf("%s: %w", where, err)
	}
	obj.Value = v
	return obj, nil
}

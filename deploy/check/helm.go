package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	chartcommon "helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartv2util "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"sigs.k8s.io/yaml"
)

// Manifest is one rendered Kubernetes object: the template it came from and its YAML.
type Manifest struct {
	Template string
	YAML     string
}

// KubeVersion is the Kubernetes version the chart is rendered for, as `helm template
// --kube-version` would be given.
const KubeVersion = "v1.34.0"

// RenderChart renders the chart in dir as `helm template --kube-version KubeVersion` would for
// a release named release in namespace, with values over the chart's own (nested maps, as a
// values file gives them): the chart's kubeVersion constraint checked, dependencies'
// conditions applied, the values schema checked, Helm's strict mode on (a template reading a
// value that is not there fails). It returns each object apart, sorted by
// template then position; NOTES.txt and empty documents are left out.
func RenderChart(dir, release, namespace string, values map[string]any) ([]Manifest, error) {
	loaded, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	ch, ok := loaded.(*chartv2.Chart)
	if !ok {
		return nil, fmt.Errorf("chart %s: not an apiVersion v2 chart", dir)
	}
	if err := ch.Validate(); err != nil {
		return nil, fmt.Errorf("chart %s: %w", dir, err)
	}
	caps := *chartcommon.DefaultCapabilities
	kv, err := chartcommon.ParseKubeVersion(KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("kube version %s: %w", KubeVersion, err)
	}
	caps.KubeVersion = *kv
	if c := ch.Metadata.KubeVersion; c != "" && !chartv2util.IsCompatibleRange(c, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart %s: kubeVersion %q does not admit %s", dir, c, caps.KubeVersion.String())
	}
	if err := chartv2util.ProcessDependencies(ch, values); err != nil {
		return nil, fmt.Errorf("chart %s: dependencies: %w", dir, err)
	}
	opts := chartcommon.ReleaseOptions{Name: release, Namespace: namespace, Revision: 1, IsInstall: true}
	top, err := chartutil.ToRenderValues(ch, values, opts, &caps)
	if err != nil {
		return nil, fmt.Errorf("chart %s: values: %w", dir, err)
	}
	out, err := engine.Engine{Strict: true}.Render(ch, top)
	if err != nil {
		return nil, fmt.Errorf("chart %s: render: %w", dir, err)
	}
	names := make([]string, 0, len(out))
	for name := range out {
		names = append(names, name)
	}
	sort.Strings(names)
	var ms []Manifest
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		for _, doc := range splitYAML(out[name]) {
			ms = append(ms, Manifest{Template: name, YAML: doc})
		}
	}
	return ms, nil
}

// splitYAML splits a multi-document YAML stream, dropping documents with nothing but comments.
func splitYAML(s string) []string {
	var docs []string
	for _, doc := range strings.Split("\n"+s, "\n---") {
		var meaningful bool
		for _, line := range strings.Split(doc, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				meaningful = true
				break
			}
		}
		if meaningful {
			docs = append(docs, strings.TrimLeft(doc, "\n"))
		}
	}
	return docs
}

// typeMeta is what every manifest starts with.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// Kind returns the manifest's apiVersion, kind and name.
func (m Manifest) Kind() (apiVersion, kind, name string, err error) {
	var tm typeMeta
	if err := yaml.Unmarshal([]byte(m.YAML), &tm); err != nil {
		return "", "", "", fmt.Errorf("%s: %w", m.Template, err)
	}
	return tm.APIVersion, tm.Kind, tm.Metadata.Name, nil
}

// decodeStrict decodes YAML into v, failing on a field v's type does not have, on a
// duplicated field, and on a second document.
func decodeStrict(doc string, v any) error {
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		return fmt.Errorf("strict decode: %w", err)
	}
	return nil
}

var errUnknownKind = errors.New("no Kubernetes API type known for this kind")

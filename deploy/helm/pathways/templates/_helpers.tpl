{{/* The services this chart runs, in a fixed order. */}}
{{- define "pathways.serviceNames" -}}
coordinator worker governance finance dashboard
{{- end -}}

{{- define "pathways.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pathways.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "pathways.labels" -}}
{{ include "pathways.selectorLabels" . }}
app.kubernetes.io/part-of: pathways
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "pathways.image" -}}
{{- $img := .root.Values.image -}}
{{- printf "%s%s/%s:%s" $img.registry $img.repository .name (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{- define "pathways.tlsSecret" -}}
{{- default (printf "%s-tls" (include "pathways.fullname" .)) .svc.tlsSecret -}}
{{- end -}}

{{- define "pathways.probe" -}}
{{- $v := .root.Values -}}
{{- $prefix := upper .name -}}
{{- if eq .name "worker" }}
httpGet:
  path: /metrics
  port: metrics
  scheme: {{ if $v.tls.enabled }}HTTPS{{ else }}HTTP{{ end }}
{{- else if eq $v.probes.mode "grpc" }}
{{- if $v.tls.enabled }}{{ fail "probes.mode grpc: the kubelet's gRPC probe cannot speak TLS; use probes.mode exec with tls.enabled" }}{{ end }}
grpc:
  port: {{ .svc.ports.grpc }}
{{- else }}
exec:
  command: ["/usr/local/bin/healthprobe", "-addr", "127.0.0.1:{{ .svc.ports.grpc }}", "-env-prefix", "{{ $prefix }}", "-timeout", "4s"]
{{- end }}
{{- end -}}

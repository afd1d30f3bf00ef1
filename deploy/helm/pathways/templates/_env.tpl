{{/* Environment of every service: the variables its binary reads (`<binary> -h` lists them). */}}
{{- define "pathways.env.common" -}}
{{- $v := .root.Values -}}
{{- $p := upper .name -}}
- {name: PATHWAYS_LOG_FORMAT, value: json}
- {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: {{ $v.otel.endpoint | quote }}}
- {name: OTEL_SERVICE_NAME, value: {{ .name }}}
- name: {{ $p }}_EVENTSTORE_URL
  valueFrom: {secretKeyRef: {name: {{ $v.eventstore.urlSecret }}, key: url}}
{{- if $v.tls.enabled }}
- {name: {{ $p }}_TLS_CERT, value: /etc/pathways/tls/tls.crt}
- {name: {{ $p }}_TLS_KEY, value: /etc/pathways/tls/tls.key}
- {name: {{ $p }}_TLS_CA, value: /etc/pathways/tls/ca.crt}
{{- if ne .name "worker" }}
- {name: {{ $p }}_TLS_CLIENT_CA, value: /etc/pathways/tls/ca.crt}
{{- end }}
{{- else }}
- {name: {{ $p }}_INSECURE, value: "true"}
{{- end }}
{{- if ne .name "worker" }}
- {name: {{ $p }}_OIDC_ISSUER, value: {{ $v.oidc.issuer | quote }}}
- {name: {{ $p }}_OIDC_AUDIENCE, value: {{ $v.oidc.audience | quote }}}
{{- end }}
{{- end -}}

{{- define "pathways.env.temporal" -}}
{{- $v := .root.Values -}}
- {name: TEMPORAL_ADDRESS, value: {{ $v.temporal.address | quote }}}
- {name: TEMPORAL_NAMESPACE, value: {{ $v.temporal.namespace | quote }}}
- name: PATHWAYS_PAYLOAD_KEYS
  valueFrom: {secretKeyRef: {name: {{ $v.temporal.payloadKeysSecret }}, key: payload-keys.json}}
{{- if $v.tls.enabled }}
- {name: TEMPORAL_TLS, value: "true"}
- {name: TEMPORAL_TLS_SERVER_CA_CERT_PATH, value: /etc/pathways/tls/ca.crt}
- {name: TEMPORAL_TLS_SERVER_NAME, value: {{ $v.temporal.serverName | quote }}}
- {name: TEMPORAL_TLS_CLIENT_CERT_PATH, value: /etc/pathways/tls/tls.crt}
- {name: TEMPORAL_TLS_CLIENT_KEY_PATH, value: /etc/pathways/tls/tls.key}
{{- end }}
{{- end -}}

{{- define "pathways.env.coordinator" -}}
{{- $r := .root -}}
- {name: COORDINATOR_LISTEN, value: "0.0.0.0:{{ .svc.ports.grpc }}"}
- {name: COORDINATOR_HTTP_LISTEN, value: "0.0.0.0:{{ .svc.ports.http }}"}
- {name: COORDINATOR_METRICS_LISTEN, value: "0.0.0.0:{{ .svc.ports.metrics }}"}
- {name: COORDINATOR_GOVERNANCE_ADDR, value: "{{ include "pathways.fullname" (dict "root" $r "name" "governance") }}:{{ $r.Values.services.governance.ports.grpc }}"}
- name: COORDINATOR_PATIENT_VAULT
  valueFrom: {secretKeyRef: {name: {{ .svc.vaultSecret }}, key: url}}
- name: COORDINATOR_MASTER_KEY
  valueFrom: {secretKeyRef: {name: {{ .svc.masterKeySecret }}, key: master.key}}
- name: COORDINATOR_FINGERPRINT_KEY
  valueFrom: {secretKeyRef: {name: {{ .svc.fingerprintKeySecret }}, key: fingerprint-key}}
- {name: COORDINATOR_CODEC_CORS_ORIGINS, value: {{ .svc.codecCORSOrigins | quote }}}
{{ include "pathways.env.temporal" . }}
{{- end -}}

{{- define "pathways.env.worker" -}}
{{- $r := .root -}}
- {name: WORKER_METRICS_LISTEN, value: "0.0.0.0:{{ .svc.ports.metrics }}"}
- {name: WORKER_GOVERNANCE_ADDR, value: "{{ include "pathways.fullname" (dict "root" $r "name" "governance") }}:{{ $r.Values.services.governance.ports.grpc }}"}
# Headless Services: DNS names every ready replica, and round_robin spreads the pushes.
- {name: WORKER_FINANCE_ADDR, value: "dns:///{{ include "pathways.fullname" (dict "root" $r "name" "finance") }}:{{ $r.Values.services.finance.ports.grpc }}"}
- {name: WORKER_DASHBOARD_ADDR, value: "dns:///{{ include "pathways.fullname" (dict "root" $r "name" "dashboard") }}:{{ $r.Values.services.dashboard.ports.grpc }}"}
{{ include "pathways.env.temporal" . }}
{{- end -}}

{{- define "pathways.env.governance" -}}
- {name: GOVERNANCE_LISTEN, value: "0.0.0.0:{{ .svc.ports.grpc }}"}
- {name: GOVERNANCE_METRICS_LISTEN, value: "0.0.0.0:{{ .svc.ports.metrics }}"}
- {name: GOVERNANCE_SEED_BUILTIN, value: {{ .svc.seedBuiltin | quote }}}
{{- end -}}

{{- define "pathways.env.finance" -}}
- {name: FINANCE_LISTEN, value: "0.0.0.0:{{ .svc.ports.grpc }}"}
- {name: FINANCE_HTTP_LISTEN, value: "0.0.0.0:{{ .svc.ports.http }}"}
- name: FINANCE_LEDGER
  valueFrom: {secretKeyRef: {name: {{ .svc.databaseSecret }}, key: url}}
{{- end -}}

{{- define "pathways.env.dashboard" -}}
{{- $r := .root -}}
- {name: DASHBOARD_LISTEN, value: "0.0.0.0:{{ .svc.ports.grpc }}"}
- {name: DASHBOARD_HTTP_LISTEN, value: "0.0.0.0:{{ .svc.ports.http }}"}
- name: DASHBOARD_DB
  valueFrom: {secretKeyRef: {name: {{ .svc.databaseSecret }}, key: url}}
- {name: DASHBOARD_FINANCE_ADDR, value: "dns:///{{ include "pathways.fullname" (dict "root" $r "name" "finance") }}:{{ $r.Values.services.finance.ports.grpc }}"}
{{- if $r.Values.tls.enabled }}
- {name: DASHBOARD_FINANCE_TLS_SERVER_NAME, value: {{ include "pathways.fullname" (dict "root" $r "name" "finance") | quote }}}
{{- end }}
- {name: DASHBOARD_WEB_PUBLIC_URL, value: {{ .svc.webPublicURL | quote }}}
- {name: DASHBOARD_WEB_OIDC_CLIENT_ID, value: {{ .svc.webClientID | quote }}}
{{- end -}}

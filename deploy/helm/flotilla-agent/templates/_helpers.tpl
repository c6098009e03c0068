{{/* The chart's name, or nameOverride. */}}
{{- define "flotilla-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, else the release name, with the chart's name when it does not hold it. */}}
{{- define "flotilla-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "flotilla-agent.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "flotilla-agent.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "flotilla-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "flotilla-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "flotilla-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: edge-agent
app.kubernetes.io/part-of: flotilla
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Secret holding the bootstrap token: the one given, or the one this chart makes from bootstrapToken.value. */}}
{{- define "flotilla-agent.tokenSecret" -}}
{{- default (printf "%s-bootstrap" (include "flotilla-agent.fullname" .)) .Values.bootstrapToken.existingSecret }}
{{- end }}

{{- define "flotilla-agent.validate" -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" .Values.clusterId) }}
{{- fail (printf "clusterId %q must be the cluster's id as enrolled at the control plane, a DNS-1123 label" .Values.clusterId) }}
{{- end }}
{{- if and .Values.bootstrapToken.existingSecret .Values.bootstrapToken.value }}
{{- fail "set bootstrapToken.existingSecret or bootstrapToken.value, not both" }}
{{- end }}
{{- if not (or .Values.bootstrapToken.existingSecret .Values.bootstrapToken.value) }}
{{- fail "the agent needs its bootstrap token for its first start: set bootstrapToken.existingSecret (preferred) or bootstrapToken.value" }}
{{- end }}
{{- end }}

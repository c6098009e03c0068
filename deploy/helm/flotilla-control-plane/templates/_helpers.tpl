{{/* The chart's name, or nameOverride. */}}
{{- define "flotilla-cp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, else the release name, with the chart's name when it does not hold it. */}}
{{- define "flotilla-cp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "flotilla-cp.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "flotilla-cp.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "flotilla-cp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla-cp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "flotilla-cp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "flotilla-cp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: control-plane
app.kubernetes.io/part-of: flotilla
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "flotilla-cp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "flotilla-cp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "flotilla-cp.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "flotilla-cp.embeddedBroker" -}}
{{- if eq .Values.broker.mode "embedded" }}true{{ end }}
{{- end }}

{{- define "flotilla-cp.postgresql" -}}
{{- if hasPrefix "jdbc:postgresql:" .Values.database.url }}true{{ end }}
{{- end }}

{{/*
The combinations the control plane cannot run with. Several replicas share one PostgreSQL database, one external
broker and one signing key; the H2 database and the embedded broker live inside a single replica's data volume.
*/}}
{{- define "flotilla-cp.validate" -}}
{{- $replicas := int .Values.replicas }}
{{- if and (gt $replicas 1) (not (include "flotilla-cp.postgresql" .)) }}
{{- fail (printf "replicas=%d needs PostgreSQL: set database.url to a jdbc:postgresql: URL (the H2 database is one replica's file)" $replicas) }}
{{- end }}
{{- if and (gt $replicas 1) (include "flotilla-cp.embeddedBroker" .) }}
{{- fail (printf "replicas=%d cannot use the embedded broker, which runs inside one replica: set broker.mode=external" $replicas) }}
{{- end }}
{{- if and (gt $replicas 1) (not .Values.signingKey.existingSecret) }}
{{- fail (printf "replicas=%d needs signingKey.existingSecret: every replica signs desired state, and without a shared key each would make its own, which agents refuse" $replicas) }}
{{- end }}
{{- if and (gt $replicas 1) .Values.persistence.enabled (not (has "ReadWriteMany" .Values.persistence.accessModes)) }}
{{- fail (printf "replicas=%d cannot share a ReadWriteOnce data volume: set persistence.enabled=false (with PostgreSQL, an external broker and signingKey.existingSecret the data directory holds nothing shared)" $replicas) }}
{{- end }}
{{- if and (include "flotilla-cp.embeddedBroker" .) (not .Values.persistence.enabled) }}
{{- fail "broker.mode=embedded needs persistence.enabled=true: the embedded broker keeps its password, retained desired states and TLS CA in the data volume" }}
{{- end }}
{{- if and (not .Values.database.url) (not .Values.persistence.enabled) }}
{{- fail "the H2 database (database.url empty) needs persistence.enabled=true: it is a file in the data volume" }}
{{- end }}
{{- if and .Values.database.url (not .Values.database.existingSecret) }}
{{- fail "database.existingSecret is required with database.url: the Secret that holds the database's username and password" }}
{{- end }}
{{- if and (eq .Values.broker.mode "external") (not .Values.broker.external.existingSecret) }}
{{- fail "broker.external.existingSecret is required with broker.mode=external: the Secret that holds the control plane's broker password" }}
{{- end }}
{{- if and (include "flotilla-cp.embeddedBroker" .) .Values.broker.embedded.expose.enabled (not .Values.broker.embedded.expose.hostNames) }}
{{- fail "broker.embedded.expose.hostNames is required: the names agents reach the broker by, which its generated certificate must carry" }}
{{- end }}
{{- if and .Values.broker.external.tls.enabled (eq .Values.broker.mode "embedded") }}
{{- fail "broker.external.tls applies to an external broker only (broker.mode=external)" }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled (not .Values.serviceMonitor.bearerTokenSecret.name) }}
{{- fail "serviceMonitor.bearerTokenSecret.name is required: /q/metrics answers only requests with a viewer token" }}
{{- end }}
{{- end }}

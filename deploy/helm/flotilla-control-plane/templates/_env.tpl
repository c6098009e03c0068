{{/* The control plane's settings as Quarkus environment variables; secrets only by secretKeyRef. */}}
{{- define "flotilla-cp.env" -}}
- name: QUARKUS_HTTP_HOST
  value: 0.0.0.0
- name: FLOTILLA_DATA_DIR
  value: /var/lib/flotilla
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaToolOptions | quote }}
{{- if .Values.database.url }}
- name: QUARKUS_DATASOURCE_JDBC_URL
  value: {{ .Values.database.url | quote }}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.usernameKey }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.passwordKey }}
{{- end }}
{{- if .Values.configSecret.name }}
- name: QUARKUS_CONFIG_LOCATIONS
  value: /etc/flotilla/config/application.properties
{{- end }}
{{- if .Values.signingKey.existingSecret }}
- name: FLOTILLA_DISPATCH_SIGNING_KEY_FILE
  value: /etc/flotilla/signing-key/control-plane.key
{{- end }}
{{- if include "flotilla-cp.embeddedBroker" . }}
- name: FLOTILLA_BROKER_EMBEDDED
  value: "true"
{{- with .Values.broker.embedded.expose }}
{{- if .enabled }}
- name: FLOTILLA_BROKER_TLS_PORT
  value: {{ .port | quote }}
- name: FLOTILLA_BROKER_TLS_HOST
  value: 0.0.0.0
{{- with .hostNames }}
- name: FLOTILLA_BROKER_TLS_HOST_NAMES
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- else }}
{{- with .Values.broker.external }}
- name: FLOTILLA_BROKER_EMBEDDED
  value: "false"
- name: FLOTILLA_BROKER_HOST
  value: {{ .host | quote }}
- name: FLOTILLA_BROKER_PORT
  value: {{ .port | quote }}
- name: FLOTILLA_BROKER_USERNAME
  value: {{ .username | quote }}
- name: FLOTILLA_BROKER_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
- name: FLOTILLA_BROKER_EXTERNAL_TLS_ENABLED
  value: {{ .tls.enabled | quote }}
{{- if .tls.caSecret }}
- name: FLOTILLA_BROKER_EXTERNAL_TLS_TRUST_STORE
  value: /etc/flotilla/broker-ca/ca.crt
- name: FLOTILLA_BROKER_EXTERNAL_TLS_TRUST_STORE_TYPE
  value: pem
{{- end }}
- name: FLOTILLA_BROKER_DYNAMIC_SECURITY_ENABLED
  value: {{ .dynamicSecurity | quote }}
{{- end }}
{{- end }}
{{- with .Values.broker.agentBrokerUrl }}
- name: FLOTILLA_ENROLLMENT_AGENT_BROKER_URL
  value: {{ . | quote }}
{{- end }}
{{- if .Values.broker.agentBrokerCa.secret }}
- name: FLOTILLA_ENROLLMENT_AGENT_BROKER_CA
  value: /etc/flotilla/agent-broker-ca/ca.crt
{{- end }}
{{- with .Values.enrollment.controlPlaneUrl }}
- name: FLOTILLA_ENROLLMENT_CONTROL_PLANE_URL
  value: {{ . | quote }}
{{- end }}
{{- if .Values.router.enabled }}
- name: FLOTILLA_ROUTER_PORT
  value: {{ .Values.router.port | quote }}
- name: FLOTILLA_ROUTER_HOST
  value: 0.0.0.0
{{- end }}
{{- end }}

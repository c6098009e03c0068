{{/* The agent's settings (edge-agent AgentConfig) as environment variables; the token only by secretKeyRef. */}}
{{- define "flotilla-agent.env" -}}
- name: FLOTILLA_AGENT_CLUSTER_ID
  value: {{ .Values.clusterId | quote }}
{{- with .Values.controlPlaneUrl }}
- name: FLOTILLA_AGENT_CONTROL_PLANE_URL
  value: {{ . | quote }}
{{- end }}
# spent at the first start; optional, so that the Secret may be deleted once the agent is enrolled
- name: FLOTILLA_AGENT_BOOTSTRAP_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "flotilla-agent.tokenSecret" . }}
      key: {{ .Values.bootstrapToken.key }}
      optional: true
{{- if .Values.controlPlaneCa.existingSecret }}
- name: FLOTILLA_AGENT_CONTROL_PLANE_CA
  value: /etc/flotilla-agent/control-plane-ca/ca.crt
{{- end }}
{{- with .Values.brokerUrl }}
- name: FLOTILLA_AGENT_BROKER_URL
  value: {{ . | quote }}
{{- end }}
- name: FLOTILLA_AGENT_STATE_DIR
  value: /var/lib/flotilla-agent
- name: FLOTILLA_AGENT_NAMESPACE
  value: {{ .Values.workloadNamespace | quote }}
- name: FLOTILLA_AGENT_POD_SECURITY_LEVEL
  value: {{ .Values.podSecurityLevel | quote }}
{{- if .Values.telemetry.hostProc }}
- name: FLOTILLA_AGENT_TELEMETRY_PROC_ROOT
  value: /host/proc
{{- end }}
- name: FLOTILLA_AGENT_TELEMETRY_PROBE_LISTEN
  value: {{ printf "0.0.0.0:%d" (int .Values.telemetry.probePort) | quote }}
{{- with .Values.telemetry.peers }}
- name: FLOTILLA_AGENT_TELEMETRY_PEERS
  value: {{ join "," . | quote }}
{{- end }}
- name: FLOTILLA_AGENT_TELEMETRY_GPU_SOURCE
  value: {{ .Values.telemetry.gpuSource | quote }}
{{- with .Values.telemetry.dcgmUrl }}
- name: FLOTILLA_AGENT_TELEMETRY_DCGM_URL
  value: {{ . | quote }}
{{- end }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaToolOptions | quote }}
{{- end }}

{{/* One Ingress: (list $ values suffix servicePort) */}}
{{- define "flotilla-cp.ingress" -}}
{{- $root := index . 0 }}{{ $v := index . 1 }}{{ $suffix := index . 2 }}{{ $port := index . 3 }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "flotilla-cp.fullname" $root }}{{ $suffix }}
  labels:
    {{- include "flotilla-cp.labels" $root | nindent 4 }}
  {{- with $v.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $v.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $v.tlsSecret }}
  tls:
    - hosts: [{{ $v.host | quote }}]
      secretName: {{ . }}
  {{- end }}
  rules:
    - host: {{ $v.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "flotilla-cp.fullname" $root }}
                port:
                  name: {{ $port }}
{{- end }}

{{/* Chart name, truncated to 63 characters (DNS-1123 label limit). */}}
{{- define "etl-monitor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: <release>-<chart>, or the release name if it already contains the chart name. */}}
{{- define "etl-monitor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "etl-monitor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. managed-by stays "Helm": app.kubernetes.io/managed-by=etl-monitor marks only the
     CronJobs/Jobs/pods the control plane creates, so `kubectl get ... -l` finds ETL runs alone. */}}
{{- define "etl-monitor.labels" -}}
helm.sh/chart: {{ include "etl-monitor.chart" . }}
{{ include "etl-monitor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: etl-monitor
{{- end }}

{{- define "etl-monitor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "etl-monitor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector of the control-plane pods (the component keeps the migration Job's pods out). */}}
{{- define "etl-monitor.controlPlaneSelectorLabels" -}}
{{ include "etl-monitor.selectorLabels" . }}
app.kubernetes.io/component: control-plane
{{- end }}

{{- define "etl-monitor.jobsNamespace" -}}
{{- default .Release.Namespace .Values.jobs.namespace }}
{{- end }}

{{- define "etl-monitor.controlPlaneServiceAccountName" -}}
{{- default (include "etl-monitor.fullname" .) .Values.serviceAccount.controlPlane.name }}
{{- end }}

{{- define "etl-monitor.jobsServiceAccountName" -}}
{{- default (printf "%s-etl-job" (include "etl-monitor.fullname" .)) .Values.serviceAccount.jobs.name }}
{{- end }}

{{- define "etl-monitor.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end }}

{{/* Non-secret environment of the control plane (the ConfigMap's data; also hashed into checksum/config). */}}
{{- define "etl-monitor.configData" -}}
NODE_ENV: {{ .Values.config.nodeEnv | quote }}
PORT: "8080"
PUBLIC_URL: {{ .Values.config.publicUrl | quote }}
ETL_RUNTIME: "kubernetes"
ETL_HOME: "/tmp/etl-monitor"
OIDC_ISSUER: {{ .Values.config.oidc.issuer | quote }}
OIDC_CLIENT_ID: {{ .Values.config.oidc.clientId | quote }}
OIDC_SCOPES: {{ .Values.config.oidc.scopes | quote }}
OIDC_GROUPS_CLAIM: {{ .Values.config.oidc.groupsClaim | quote }}
{{- with .Values.config.oidc.roleMapping }}
OIDC_ROLE_MAPPING: {{ . | quote }}
{{- end }}
{{- with .Values.config.bootstrapAdmins }}
BOOTSTRAP_ADMINS: {{ . | quote }}
{{- end }}
ETL_NAMESPACE: {{ include "etl-monitor.jobsNamespace" . | quote }}
ETL_EXTRACTOR_IMAGE: {{ printf "%s:%s" .Values.extractorImage.repository .Values.extractorImage.tag | quote }}
ETL_JOB_SERVICE_ACCOUNT: {{ include "etl-monitor.jobsServiceAccountName" . | quote }}
ETL_LEADER_LEASE: {{ .Values.config.leaderLease | quote }}
{{- with .Values.jobs.cpuRequest }}
ETL_JOB_CPU_REQUEST: {{ . | quote }}
{{- end }}
{{- with .Values.jobs.memoryRequest }}
ETL_JOB_MEMORY_REQUEST: {{ . | quote }}
{{- end }}
{{- with .Values.jobs.memoryLimit }}
ETL_JOB_MEMORY_LIMIT: {{ . | quote }}
{{- end }}
ETL_LOGS_BACKEND: {{ .Values.config.logsBackend | quote }}
{{- with .Values.config.googleCloudProject }}
GOOGLE_CLOUD_PROJECT: {{ . | quote }}
{{- end }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Secret environment: references to existing Secrets only (values never pass through Helm). */}}
{{- define "etl-monitor.secretEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecrets.databaseUrl.name }}
      key: {{ .Values.existingSecrets.databaseUrl.key }}
- name: OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecrets.oidcClientSecret.name }}
      key: {{ .Values.existingSecrets.oidcClientSecret.key }}
- name: SESSION_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecrets.sessionSecret.name }}
      key: {{ .Values.existingSecrets.sessionSecret.key }}
{{- end }}

{{/* Restricted Pod Security Standard: non-root uid 10001 (the images' user), RuntimeDefault seccomp. */}}
{{- define "etl-monitor.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "etl-monitor.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end }}

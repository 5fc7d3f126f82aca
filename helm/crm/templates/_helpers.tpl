{{/*
Chart name.
*/}}
{{- define "crm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: "<release>-<chart>", or the release name when it already contains the chart name.
*/}}
{{- define "crm.fullname" -}}
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

{{/*
Name of a component's resources: (dict "root" $ "component" "web").
*/}}
{{- define "crm.componentName" -}}
{{- printf "%s-%s" (include "crm.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "crm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Standard labels.
*/}}
{{- define "crm.labels" -}}
helm.sh/chart: {{ include "crm.chart" . }}
{{ include "crm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "crm.name" . }}
{{- end }}

{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component: (dict "root" $ "component" "web").
*/}}
{{- define "crm.componentLabels" -}}
{{ include "crm.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "crm.componentSelectorLabels" -}}
{{ include "crm.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "crm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "crm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "crm.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/*
The base domain, required everywhere it is used.
*/}}
{{- define "crm.baseDomain" -}}
{{- required "baseDomain is required: the public site's domain, e.g. --set baseDomain=crm.example.com (workspaces are served on *.<baseDomain>)" .Values.baseDomain }}
{{- end }}

{{/*
USE_HTTPS: explicit config.useHttps, else whether the Ingress terminates TLS.
*/}}
{{- define "crm.useHttps" -}}
{{- if kindIs "invalid" .Values.config.useHttps }}
{{- and .Values.ingress.enabled .Values.ingress.tls.enabled | toString }}
{{- else }}
{{- .Values.config.useHttps | toString }}
{{- end }}
{{- end }}

{{- define "crm.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "crm.fullname" .)) .Values.ingress.tls.secretName }}
{{- end }}

{{/*
Non-secret environment (ConfigMap data). Optional settings are left out when empty, so the
application's own defaults apply.
*/}}
{{- define "crm.configData" -}}
BASE_DOMAIN: {{ include "crm.baseDomain" . | quote }}
USE_HTTPS: {{ include "crm.useHttps" . | quote }}
BEHIND_PROXY: {{ .Values.config.behindProxy | toString | quote }}
{{- with .Values.config.trustedProxies }}
TRUSTED_PROXIES: {{ . | quote }}
{{- end }}
{{- with .Values.config.allowedHosts }}
ALLOWED_HOSTS: {{ . | quote }}
{{- end }}
LOGIN_LOG_RETENTION_DAYS: {{ .Values.config.loginLogRetentionDays | toString | quote }}
{{- with .Values.config.limits }}
LOGIN_FAILURE_LIMIT: {{ .loginFailureLimit | toString | quote }}
LOGIN_FAILURE_WINDOW_MINUTES: {{ .loginFailureWindowMinutes | toString | quote }}
LOGIN_LOCK_MINUTES: {{ .loginLockMinutes | toString | quote }}
LOGIN_ADDRESS_FAILURE_LIMIT: {{ .loginAddressFailureLimit | toString | quote }}
LOGIN_ADDRESS_BLOCK_MINUTES: {{ .loginAddressBlockMinutes | toString | quote }}
LOGIN_RATE: {{ .loginRate | quote }}
LOGIN_ACCOUNT_RATE: {{ .loginAccountRate | quote }}
SIGNUP_RATE: {{ .signupRate | quote }}
API_READ_RATE: {{ .apiReadRate | quote }}
API_WRITE_RATE: {{ .apiWriteRate | quote }}
{{- end }}
TRIAL_DAYS: {{ .Values.config.trialDays | toString | quote }}
LANGUAGE_CODE: {{ .Values.config.languageCode | quote }}
TIME_ZONE: {{ .Values.config.timeZone | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
MEDIA_ROOT: {{ .Values.config.mediaRoot | quote }}
{{- with .Values.config.databasePool }}
DATABASE_POOL_MAX_SIZE: {{ .maxSize | toString | quote }}
DATABASE_POOL_MIN_SIZE: {{ .minSize | toString | quote }}
DATABASE_POOL_TIMEOUT: {{ .timeout | toString | quote }}
{{- end }}
DATABASE_TRANSACTION_POOLING: {{ .Values.config.databaseTransactionPooling | toString | quote }}
{{- with .Values.config.cspReportUri }}
CSP_REPORT_URI: {{ . | quote }}
{{- end }}
{{- with .Values.config.email }}
{{- with .host }}
EMAIL_HOST: {{ . | quote }}
{{- end }}
EMAIL_PORT: {{ .port | toString | quote }}
{{- with .user }}
EMAIL_HOST_USER: {{ . | quote }}
{{- end }}
EMAIL_USE_TLS: {{ .useTls | toString | quote }}
{{- with .defaultFromEmail }}
DEFAULT_FROM_EMAIL: {{ . | quote }}
{{- end }}
{{- end }}
{{- /* Writable scratch folder of the app (static-file folder, fallbacks); /tmp is an emptyDir. */}}
CRM_DATA_DIR: "/tmp/crm"
DJANGO_SETTINGS_MODULE: "saas_core.settings"
PYTHONUNBUFFERED: "1"
PYTHONDONTWRITEBYTECODE: "1"
{{- range $key, $value := .Values.config.extra }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Secret environment (Secret stringData), only when the chart manages the Secret.
*/}}
{{- define "crm.secretData" -}}
{{- $s := .Values.secrets -}}
DATABASE_URL: {{ required "secrets.databaseUrl (DATABASE_URL) is required, or set secrets.existingSecret: without it the app would start an embedded PostgreSQL inside each pod" $s.databaseUrl | quote }}
REDIS_URL: {{ required "secrets.redisUrl (REDIS_URL) is required, or set secrets.existingSecret: without it the app would start an embedded Redis inside each pod" $s.redisUrl | quote }}
SECRET_KEY: {{ required "secrets.secretKey (SECRET_KEY) is required, or set secrets.existingSecret: every pod must sign sessions with the same key" $s.secretKey | quote }}
{{- if .Values.config.databaseTransactionPooling }}
{{- /* Behind a transaction-pooling PgBouncer the app refuses to start without it (tenants.dbcheck). */}}
DATABASE_DIRECT_URL: {{ required "secrets.databaseDirectUrl (DATABASE_DIRECT_URL) is required with config.databaseTransactionPooling: signups and the migration Job hold session locks on a connection straight to PostgreSQL, not through PgBouncer (the app refuses to start without it). Set it to PostgreSQL's own URL, e.g. postgres://crm:PASSWORD@postgres:5432/crm, or put DATABASE_DIRECT_URL into secrets.existingSecret" $s.databaseDirectUrl | quote }}
{{- else }}
{{- with $s.databaseDirectUrl }}
DATABASE_DIRECT_URL: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $s.sentryDsn }}
SENTRY_DSN: {{ . | quote }}
{{- end }}
{{- with $s.emailHostPassword }}
EMAIL_HOST_PASSWORD: {{ . | quote }}
{{- end }}
{{- with $s.stripeApiKey }}
STRIPE_API_KEY: {{ . | quote }}
{{- end }}
{{- with $s.stripeWebhookSecret }}
STRIPE_WEBHOOK_SECRET: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Fails when an existing Secret is named and secret values are given too: they would be ignored.
*/}}
{{- define "crm.validateSecrets" -}}
{{- $s := .Values.secrets }}
{{- if $s.existingSecret }}
{{- range $key := list "databaseUrl" "databaseDirectUrl" "redisUrl" "secretKey" "sentryDsn" "emailHostPassword" "stripeApiKey" "stripeWebhookSecret" }}
{{- if index $s $key }}
{{- fail (printf "secrets.existingSecret (%s) and secrets.%s are both set: put %s into the existing Secret and leave secrets.%s empty" $s.existingSecret $key $key $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the app reads: (dict "root" $ "hook" true) for the migration hook's copy.
*/}}
{{- define "crm.secretName" -}}
{{- if .root.Values.secrets.existingSecret }}
{{- .root.Values.secrets.existingSecret }}
{{- else if .hook }}
{{- include "crm.componentName" (dict "root" .root "component" "migrate") }}
{{- else }}
{{- include "crm.fullname" .root }}
{{- end }}
{{- end }}

{{/*
envFrom/env of every application container: (dict "root" $ "hook" false).
*/}}
{{- define "crm.env" -}}
envFrom:
  - configMapRef:
      name: {{ if .hook }}{{ include "crm.componentName" (dict "root" .root "component" "migrate") }}{{ else }}{{ include "crm.fullname" .root }}{{ end }}
  - secretRef:
      name: {{ include "crm.secretName" . }}
{{- with .root.Values.extraEnvFrom }}
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .root.Values.extraEnv }}
env:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end }}

{{/*
Pod-level settings shared by every workload: (dict "root" $ "values" .Values.web).
*/}}
{{- define "crm.podCommon" -}}
{{- $root := .root -}}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
{{- with $root.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
{{ toYaml $root.Values.podSecurityContext | indent 2 }}
{{- with (.values.nodeSelector | default $root.Values.nodeSelector) }}
nodeSelector:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with (.values.tolerations | default $root.Values.tolerations) }}
tolerations:
{{ toYaml . }}
{{- end }}
{{- with (.values.affinity | default $root.Values.affinity) }}
affinity:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end }}

{{/*
Pod metadata (labels and annotations): (dict "root" $ "component" "web" "values" .Values.web).
*/}}
{{- define "crm.podMetadata" -}}
{{- $root := .root -}}
labels:
{{ include "crm.componentLabels" (dict "root" $root "component" .component) | indent 2 }}
{{- with (merge (dict) (.values.podLabels | default dict) $root.Values.podLabels) }}
{{ toYaml . | indent 2 }}
{{- end }}
annotations:
  checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
{{- if not $root.Values.secrets.existingSecret }}
  checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
{{- end }}
{{- with (merge (dict) (.values.podAnnotations | default dict) $root.Values.podAnnotations) }}
{{ toYaml . | indent 2 }}
{{- end }}
{{- end }}

{{/*
The /tmp emptyDir every container writes to (the root filesystem is read-only).
*/}}
{{- define "crm.tmpVolume" -}}
- name: tmp
  emptyDir:
    {{- with .Values.tmpSizeLimit }}
    sizeLimit: {{ . }}
    {{- end }}
{{- end }}

{{- define "crm.mediaVolume" -}}
{{- if .Values.persistence.enabled -}}
- name: media
  persistentVolumeClaim:
    claimName: {{ .Values.persistence.existingClaim | default (include "crm.componentName" (dict "root" . "component" "media")) }}
{{- end }}
{{- end }}

{{- define "crm.mediaVolumeMount" -}}
{{- if .Values.persistence.enabled -}}
- name: media
  mountPath: {{ .Values.config.mediaRoot }}
{{- end }}
{{- end }}

{{/*
Egress rules when networkPolicy.egress is set: those, plus DNS to any address.
*/}}
{{- define "crm.egressRules" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- with .Values.networkPolicy.egress }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
checkov checks a workload does not pass on purpose, each with its reason (tests/helm/test_validation.py
fails on any other): (dict "probeless" true) for worker, beat and the migrate job.
*/}}
{{- define "crm.checkovSkips" -}}
checkov.io/skip1: "CKV_K8S_11=No CPU limit on purpose: a limit throttles Django and Celery in bursts; requests reserve CPU and resources.limits.cpu can still be set"
checkov.io/skip2: "CKV_K8S_35=The application reads its settings from the environment; the Secret is referenced by envFrom, never inlined"
checkov.io/skip3: "CKV_K8S_43=Images are referenced by tag unless image.digest is set (then by digest)"
{{- if .probeless }}
checkov.io/skip4: "CKV_K8S_8=Serves no port: Celery's broker heartbeat notices a hung worker (worker.livenessProbe adds an exec probe); a Job needs none"
checkov.io/skip5: "CKV_K8S_9=Receives no traffic, so there is nothing to be ready for"
{{- end }}
{{- end }}

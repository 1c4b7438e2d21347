/**
 * Pure builders: schedule -> CronJob, run request -> Job. A manual or ad-hoc Job uses the very
 * same pod/Job template as the CronJob (what `kubectl create job --from=cronjob/...` does), so a
 * run behaves the same whichever way it was started.
 */
import { createHash } from 'node:crypto';
import type { V1CronJob, V1EnvVar, V1Job, V1JobSpec, V1ObjectMeta, V1PodTemplateSpec } from '@kubernetes/client-node';
import { ENV } from '../../../../../../jobs/contract/src/job-spec.js';
import { NON_RETRYABLE_EXIT_CODES } from '../../../../../../jobs/contract/src/exit-codes.js';
import type { RunRequest, RunTemplate, ScheduleDeployment } from '../../../domain/runtime/runtime.js';
import type { KubernetesSettings } from './config.js';
import { ANNOTATION, BASE_LABELS, CONTAINER_NAME, LABEL, cronJobName, manualJobName } from './names.js';

/** uid/gid of the extractor image's unprivileged user (CONTRACTS.md: pods run as 10001, like every image we build). */
const RUN_AS_ID = 10001;
const TERMINATION_GRACE_SECONDS = 30;
const SCHEDULER = 'scheduler';

export interface CronJobTiming {
  /** From domain/cron: >= 60 s, <= the schedule's interval (C12). */
  startingDeadlineSeconds: number;
}

export interface JobGate {
  /**
   * CronJob-created Jobs start suspended until the control plane admits them (one run per
   * schedule across scheduled and manual runs; see run-admission.ts). False when no admission
   * store is wired in (then Forbid alone applies to scheduled runs).
   */
  suspendScheduledRuns: boolean;
}

function humanAnnotations(template: RunTemplate, scheduleName: string | undefined, triggeredBy: string): Record<string, string> {
  const names = template.spec.names;
  const annotations: Record<string, string> = {
    [ANNOTATION.source]: names.source,
    [ANNOTATION.script]: names.script,
    [ANNOTATION.destination]: names.destination,
    [ANNOTATION.triggeredBy]: triggeredBy,
  };
  const schedule = scheduleName ?? names.schedule;
  if (schedule) annotations[ANNOTATION.scheduleName] = schedule;
  return annotations;
}

function runLabels(scheduleId: string | null | undefined, executionId?: string): Record<string, string> {
  const labels: Record<string, string> = { ...BASE_LABELS };
  if (scheduleId) labels[LABEL.schedule] = scheduleId;
  if (executionId) labels[LABEL.execution] = executionId;
  return labels;
}

function extractorEnv(template: RunTemplate, executionId: string | undefined): V1EnvVar[] {
  const env: V1EnvVar[] = [{ name: ENV.jobSpec, value: JSON.stringify(template.spec) }];
  for (const secret of template.secrets) {
    env.push({ name: secret.env, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } });
  }
  // The Job controller labels each pod with its Job's name; CronJob-created Jobs have names we
  // cannot know in advance, so the run name comes through the downward API.
  env.push({ name: ENV.runName, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL.jobName}']` } } });
  if (executionId) env.push({ name: ENV.executionId, value: executionId });
  return env;
}

function podTemplate(template: RunTemplate, settings: KubernetesSettings, meta: V1ObjectMeta, executionId: string | undefined): V1PodTemplateSpec {
  return {
    metadata: meta,
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: settings.jobServiceAccount,
      // The extractor never talks to the Kubernetes API; Workload Identity uses the metadata server.
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_ID,
        runAsGroup: RUN_AS_ID,
        fsGroup: RUN_AS_ID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: CONTAINER_NAME,
          image: settings.extractorImage,
          imagePullPolicy: 'IfNotPresent',
          env: extractorEnv(template, executionId),
          resources: {
            requests: { cpu: settings.resources.cpuRequest, memory: settings.resources.memoryRequest },
            limits: { memory: settings.resources.memoryLimit },
          },
          // The summary goes to /dev/termination-log; if the process died before writing it,
          // the log tail (whose last line is the summary when there is one) is used instead.
          terminationMessagePolicy: 'FallbackToLogsOnError',
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '2Gi' } }],
    },
  };
}

function jobSpec(template: RunTemplate, settings: KubernetesSettings, podMeta: V1ObjectMeta, executionId: string | undefined, suspend: boolean): V1JobSpec {
  const spec: V1JobSpec = {
    backoffLimit: settings.backoffLimit,
    activeDeadlineSeconds: template.maxRuntimeSeconds,
    ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
    podFailurePolicy: {
      rules: [
        // Node drain / preemption: retry without spending the backoff budget.
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        // Configuration, data and internal errors: a retry cannot fix them.
        { action: 'FailJob', onExitCodes: { containerName: CONTAINER_NAME, operator: 'In', values: [...NON_RETRYABLE_EXIT_CODES].sort((a, b) => a - b) } },
      ],
    },
    template: podTemplate(template, settings, podMeta, executionId),
  };
  if (suspend) spec.suspend = true;
  return spec;
}

/** Stable JSON (sorted keys) so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function specHash(object: { metadata?: V1ObjectMeta; spec?: unknown }): string {
  const { [ANNOTATION.specHash]: _ignored, ...annotations } = object.metadata?.annotations ?? {};
  const payload = canonicalJson({ labels: object.metadata?.labels, annotations, spec: object.spec });
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

export function buildCronJob(schedule: ScheduleDeployment, settings: KubernetesSettings, timing: CronJobTiming, gate: JobGate): V1CronJob {
  const labels = runLabels(schedule.scheduleId);
  const annotations = humanAnnotations(schedule.template, schedule.scheduleName, SCHEDULER);
  const cronJob: V1CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: cronJobName(schedule.scheduleId), namespace: settings.namespace, labels, annotations: { ...annotations } },
    spec: {
      schedule: schedule.cron,
      timeZone: schedule.timeZone,
      concurrencyPolicy: 'Forbid',
      suspend: !schedule.active,
      startingDeadlineSeconds: timing.startingDeadlineSeconds,
      successfulJobsHistoryLimit: settings.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: settings.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: jobSpec(schedule.template, settings, { labels: { ...labels }, annotations: { ...annotations } }, undefined, gate.suspendScheduledRuns),
      },
    },
  };
  cronJob.metadata!.annotations![ANNOTATION.specHash] = specHash(cronJob);
  return cronJob;
}

/** A manual run of a schedule, or an ad-hoc run (scheduleId null): same template as the CronJob's. */
export function buildRunJob(request: RunRequest, settings: KubernetesSettings): V1Job {
  const labels = runLabels(request.scheduleId, request.executionId);
  const annotations = humanAnnotations(request.template, undefined, request.triggeredBy);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: manualJobName(request.executionId),
      namespace: settings.namespace,
      labels,
      // kubectl create job --from=cronjob/... marks its Jobs the same way.
      annotations: { ...annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
    },
    spec: jobSpec(request.template, settings, { labels: { ...labels }, annotations: { ...annotations } }, request.executionId, false),
  };
}

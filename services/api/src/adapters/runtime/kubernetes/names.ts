/**
 * Names, labels and annotations of every object the Kubernetes runtime writes (CONTRACTS.md,
 * "Kubernetes object conventions"). Kept in one module so `kubectl -l …` documentation, the
 * builders and the watchers cannot drift apart.
 */

export const LABEL = {
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  schedule: 'etl-monitor/schedule',
  execution: 'etl-monitor/execution',
  /** Set by the Job controller on every pod of a Job. */
  jobName: 'job-name',
} as const;

export const ANNOTATION = {
  scheduleName: 'etl-monitor/schedule-name',
  source: 'etl-monitor/source',
  script: 'etl-monitor/script',
  destination: 'etl-monitor/destination',
  triggeredBy: 'etl-monitor/triggered-by',
  /** sha256 of the desired object; reconcile compares it so an unchanged schedule causes no write. */
  specHash: 'etl-monitor/spec-hash',
  /** On a CronJob-created Job once the control plane admitted it (see run-admission.ts). */
  admittedAs: 'etl-monitor/admitted-execution',
  /** Set by the CronJob controller (Kubernetes >= 1.28) on the Jobs it creates. */
  cronJobScheduledTimestamp: 'batch.kubernetes.io/cronjob-scheduled-timestamp',
} as const;

export const MANAGED_BY = 'etl-monitor';
export const CONTAINER_NAME = 'extractor';
export const FIELD_MANAGER = 'etl-monitor';

/** Labels every object of ours carries; also the selector that finds all of them. */
export const BASE_LABELS: Readonly<Record<string, string>> = {
  [LABEL.managedBy]: MANAGED_BY,
  [LABEL.name]: 'etl-monitor',
  [LABEL.component]: 'extractor',
};

export const OWNED_SELECTOR = `${LABEL.managedBy}=${MANAGED_BY}`;

// Object names are at most 63 characters for CronJobs' generated Jobs to stay valid (the
// controller appends "-<minutes>" to a 52-character CronJob name), and ids are DNS-safe by contract.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CRONJOB_NAME_MAX = 52;
const JOB_NAME_MAX = 63;

export class ObjectNameError extends Error {
  override name = 'ObjectNameError';
}

function checkedName(name: string, max: number, what: string): string {
  if (name.length > max || !DNS_LABEL.test(name)) {
    throw new ObjectNameError(`${what} "${name}" is not a valid Kubernetes name (lowercase letters, digits and '-', at most ${max} characters)`);
  }
  return name;
}

export const cronJobName = (scheduleId: string): string => checkedName(`etl-s-${scheduleId}`, CRONJOB_NAME_MAX, 'CronJob name');
export const manualJobName = (executionId: string): string => checkedName(`etl-x-${executionId}`, JOB_NAME_MAX, 'Job name');
export const sourceSecretName = (sourceId: string): string => checkedName(`etl-source-${sourceId}`, 253, 'Secret name');

export const scheduleSelector = (scheduleId: string): string => `${OWNED_SELECTOR},${LABEL.schedule}=${scheduleId}`;
export const jobPodsSelector = (jobName: string): string => `${LABEL.jobName}=${jobName}`;

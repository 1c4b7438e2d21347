/**
 * Settings of the Kubernetes runtime, read from the environment variables fixed in CONTRACTS.md.
 * The control plane's config.ts may call {@link kubernetesSettingsFromEnv} or build the object itself.
 */

export interface JobResources {
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
}

export interface KubernetesSettings {
  /** Namespace of CronJobs, Jobs, pods and source Secrets. */
  namespace: string;
  extractorImage: string;
  /** Kubernetes service account of extractor pods (Workload Identity on GKE). */
  jobServiceAccount?: string;
  leaderLease: string;
  /** This replica's identity in the leader Lease. */
  podName: string;
  resources: JobResources;
  /** Job template knobs; defaults suit a nightly/hourly load. */
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  /** How long stop() waits for the pods of a deleted Job to disappear. */
  stopTimeoutMs: number;
}

export class KubernetesConfigError extends Error {
  override name = 'KubernetesConfigError';
}

export const DEFAULT_RESOURCES: JobResources = { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' };

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

/** The Kubernetes part of the control plane's parsed configuration (services/api/src/config.ts `kubernetes`). */
export interface KubernetesConfigValues {
  namespace?: string;
  extractorImage?: string;
  jobServiceAccount?: string;
  leaderLease?: string;
  podName?: string;
  podNamespace?: string;
  jobCpuRequest?: string;
  jobMemoryRequest?: string;
  jobMemoryLimit?: string;
}

export function kubernetesSettings(values: KubernetesConfigValues): KubernetesSettings {
  const extractorImage = nonEmpty(values.extractorImage);
  if (!extractorImage) {
    throw new KubernetesConfigError('ETL_EXTRACTOR_IMAGE is required with ETL_RUNTIME=kubernetes (e.g. europe-docker.pkg.dev/PROJECT/etl/extractor:1.0.0)');
  }
  const namespace = nonEmpty(values.namespace) ?? nonEmpty(values.podNamespace);
  if (!namespace) {
    throw new KubernetesConfigError('set ETL_NAMESPACE, or POD_NAMESPACE through the downward API, to the namespace of the ETL Jobs');
  }
  return {
    namespace,
    extractorImage,
    jobServiceAccount: nonEmpty(values.jobServiceAccount),
    leaderLease: nonEmpty(values.leaderLease) ?? 'etl-monitor-leader',
    podName: nonEmpty(values.podName) ?? `etl-monitor-${process.pid}`,
    resources: {
      cpuRequest: nonEmpty(values.jobCpuRequest) ?? DEFAULT_RESOURCES.cpuRequest,
      memoryRequest: nonEmpty(values.jobMemoryRequest) ?? DEFAULT_RESOURCES.memoryRequest,
      memoryLimit: nonEmpty(values.jobMemoryLimit) ?? DEFAULT_RESOURCES.memoryLimit,
    },
    backoffLimit: 2,
    ttlSecondsAfterFinished: 86_400,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    stopTimeoutMs: 60_000,
  };
}

export function kubernetesSettingsFromEnv(env: Env = process.env): KubernetesSettings {
  return kubernetesSettings({
    namespace: env.ETL_NAMESPACE,
    extractorImage: env.ETL_EXTRACTOR_IMAGE,
    jobServiceAccount: env.ETL_JOB_SERVICE_ACCOUNT,
    leaderLease: env.ETL_LEADER_LEASE,
    podName: env.POD_NAME,
    podNamespace: env.POD_NAMESPACE,
    jobCpuRequest: env.ETL_JOB_CPU_REQUEST,
    jobMemoryRequest: env.ETL_JOB_MEMORY_REQUEST,
    jobMemoryLimit: env.ETL_JOB_MEMORY_LIMIT,
  });
}

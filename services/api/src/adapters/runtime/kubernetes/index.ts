/**
 * Entry point of the Kubernetes runtime for the control plane (ETL_RUNTIME=kubernetes).
 *
 * In the composition root (bootstrap/control-plane.ts):
 *
 *   const { runtime, secrets, connect } = createKubernetesControlPlaneRuntime(config.kubernetes);
 *   // after the domain services exist, before controlPlane.start():
 *   connect({ observe, findByRuntimeName, deployments });   // admission through the DB lock + schedule source
 *
 * `runtime.start()` joins the leader election (Lease ETL_LEADER_LEASE, identity POD_NAME); only the
 * leader watches and reconciles; every replica can apply/remove/run/stop.
 */
import { BatchV1Api, CoordinationV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { kubernetesSettings, type KubernetesConfigValues, type KubernetesSettings } from './config.js';
import { KubernetesRuntime, jsonLogger, type Clock, type KubernetesClients, type KubernetesRuntimeOptions, type RuntimeLogger } from './kubernetes-runtime.js';
import { LeaderElector } from './leader-election.js';
import { LeaderGatedRuntime } from './leader-gated-runtime.js';
import { SecretWriter } from './secret-writer.js';
import { ExecutionStoreAdmission, type AdmissionStore } from './execution-admission.js';
import type { ScheduleDeployment } from '../../../domain/runtime/runtime.js';
import type { Execution } from '../../../domain/model.js';

export { kubernetesSettings, kubernetesSettingsFromEnv, KubernetesConfigError, type KubernetesConfigValues, type KubernetesSettings } from './config.js';
export { KubernetesRuntime, type ActiveRun, type ActiveRunSource, type Clock, type KubernetesClients, type KubernetesRuntimeOptions, type RuntimeLogger } from './kubernetes-runtime.js';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.js';
export { LeaderGatedRuntime, type ScheduleSource } from './leader-gated-runtime.js';
export { SecretWriter } from './secret-writer.js';
export type { RunAdmission, AdmissionDecision, ScheduledRunClaim } from './run-admission.js';
export { ExecutionStoreAdmission, type AdmissionStore } from './execution-admission.js';
export { KubernetesApiError } from './api-errors.js';
export { InvalidObjectError } from './validate.js';

/** In a pod: the mounted service account; elsewhere: KUBECONFIG / ~/.kube/config. */
export function loadKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

export function clientsFor(kubeConfig: KubeConfig): KubernetesClients & { coordination: CoordinationV1Api } {
  return {
    batch: kubeConfig.makeApiClient(BatchV1Api),
    core: kubeConfig.makeApiClient(CoreV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    watch: new Watch(kubeConfig),
  };
}

/** A runtime without leader election (single replica, scripts, the smoke test). */
export function createKubernetesRuntime(options: Omit<KubernetesRuntimeOptions, 'clients'> & { settings: KubernetesSettings; kubeConfig: KubeConfig }): KubernetesRuntime {
  const { kubeConfig, ...rest } = options;
  return new KubernetesRuntime({ ...rest, clients: clientsFor(kubeConfig) });
}

export interface ControlPlaneRuntimeOptions {
  kubeConfig?: KubeConfig;
  clock?: Clock;
  logger?: RuntimeLogger;
  leaseDurationSeconds?: number;
  retryPeriodMs?: number;
}

/**
 * The control plane's logger as the runtime's: a structured logger (adapters/logs, `warning` with
 * fields) keeps the fields; a console-like one gets them as JSON after the message.
 */
export function runtimeLoggerFrom(log: { info(message: string, ...rest: any[]): void; error(message: string, ...rest: any[]): void; warning?: (message: string, fields?: Record<string, unknown>) => void }): RuntimeLogger {
  if (typeof log.warning === 'function') {
    const warning = log.warning.bind(log);
    return { warn: (message, fields) => warning(message, fields), info: (message, fields) => log.info(message, fields) };
  }
  const line = (message: string, fields?: Record<string, unknown>) => (fields ? `${message} ${JSON.stringify(fields)}` : message);
  return { warn: (message, fields) => log.error(`kubernetes runtime: ${line(message, fields)}`), info: (message, fields) => log.info(`kubernetes runtime: ${line(message, fields)}`) };
}

/** What the runtime needs from the control plane once its domain services exist. */
export interface ControlPlaneHooks extends AdmissionStore {
  /** Every schedule as a deployment (ScheduleService.deployments): what a new leader reconciles. */
  deployments(): Promise<ScheduleDeployment[]>;
  /** ExecutionRepository.listActive: runs whose Job vanished while nobody watched are settled by the leader. */
  listActive(): Promise<Execution[]>;
}

export interface KubernetesControlPlaneRuntime {
  runtime: LeaderGatedRuntime;
  secrets: SecretWriter;
  /** Call before start(): CronJob-created runs are admitted through the executions table's lock; a new leader reads schedules from the database. */
  connect(hooks: ControlPlaneHooks): void;
}

/** What the control plane needs with ETL_RUNTIME=kubernetes: a leader-gated runtime, the Secret writer and the wiring to the domain. */
export function createKubernetesControlPlaneRuntime(values: KubernetesConfigValues, options: ControlPlaneRuntimeOptions = {}): KubernetesControlPlaneRuntime {
  const settings = kubernetesSettings(values);
  const clients = clientsFor(options.kubeConfig ?? loadKubeConfig());
  const logger = options.logger ?? jsonLogger;
  const inner = new KubernetesRuntime({ settings, clients, logger, ...(options.clock ? { clock: options.clock } : {}) });
  const runtime = new LeaderGatedRuntime(
    inner,
    (hooks) =>
      new LeaderElector({
        coordination: clients.coordination,
        namespace: settings.namespace,
        leaseName: settings.leaderLease,
        identity: settings.podName,
        ...(options.leaseDurationSeconds ? { leaseDurationSeconds: options.leaseDurationSeconds } : {}),
        ...(options.retryPeriodMs ? { retryPeriodMs: options.retryPeriodMs } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        logger,
        ...hooks,
      }),
    logger,
  );
  return {
    runtime,
    secrets: new SecretWriter(clients.core, settings.namespace),
    connect(hooks) {
      runtime.useAdmission(new ExecutionStoreAdmission(hooks, options.clock ? () => options.clock!.now() : undefined));
      runtime.useScheduleSource(() => hooks.deployments());
      runtime.useActiveRuns(async () =>
        (await hooks.listActive()).flatMap((e) => (e.runtimeName ? [{ executionId: String(e.id), name: e.runtimeName, uid: e.runtimeUid ?? '' }] : [])),
      );
    },
  };
}

/**
 * Entry point of the Kubernetes runtime for the control plane (ETL_RUNTIME=kubernetes):
 *
 *   const settings = kubernetesSettingsFromEnv(process.env);
 *   const kubeConfig = loadKubeConfig();                       // in-cluster service account, or ~/.kube/config
 *   const runtime = createKubernetesRuntime({ settings, kubeConfig, admission });
 *   const secrets = new SecretWriter(clientsFor(kubeConfig).core, settings.namespace);
 *   const elector = new LeaderElector({ ...leaderElectionFor(settings, kubeConfig), onStartedLeading, onStoppedLeading });
 */
import { BatchV1Api, CoordinationV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { KubernetesSettings } from './config.js';
import { KubernetesRuntime, type KubernetesClients, type KubernetesRuntimeOptions } from './kubernetes-runtime.js';

export { kubernetesSettingsFromEnv, KubernetesConfigError, type KubernetesSettings } from './config.js';
export { KubernetesRuntime, type Clock, type KubernetesClients, type KubernetesRuntimeOptions, type RuntimeLogger } from './kubernetes-runtime.js';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.js';
export { SecretWriter } from './secret-writer.js';
export type { RunAdmission, AdmissionDecision, ScheduledRunClaim } from './run-admission.js';
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

export function createKubernetesRuntime(options: Omit<KubernetesRuntimeOptions, 'clients'> & { settings: KubernetesSettings; kubeConfig: KubeConfig }): KubernetesRuntime {
  const { kubeConfig, ...rest } = options;
  return new KubernetesRuntime({ ...rest, clients: clientsFor(kubeConfig) });
}

/** Shared fixtures for the Kubernetes runtime tests: a fake cluster the real client talks to. */
import { BatchV1Api, CoordinationV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { JobSpec } from '../../jobs/contract/src/job-spec.js';
import type { RunRequest, RunTemplate, ScheduleDeployment } from '../../services/api/src/domain/runtime/runtime.js';
import type { KubernetesSettings } from '../../services/api/src/adapters/runtime/kubernetes/config.js';
import { KubernetesRuntime, type Clock, type KubernetesRuntimeOptions } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { FakeApiServer, FakeControllers } from './fake-apiserver/index.js';

export const NAMESPACE = 'etl-jobs';

export function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u', namespace: NAMESPACE }],
    currentContext: 'fake',
  });
  return kc;
}

export function testSettings(overrides: Partial<KubernetesSettings> = {}): KubernetesSettings {
  return {
    namespace: NAMESPACE,
    extractorImage: 'registry.example/etl/extractor:1.2.3',
    jobServiceAccount: 'etl-extractor',
    leaderLease: 'etl-monitor-leader',
    podName: 'etl-monitor-0',
    resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
    backoffLimit: 2,
    ttlSecondsAfterFinished: 86_400,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    stopTimeoutMs: 2_000,
    ...overrides,
  };
}

export function jobSpec(scheduleId?: string): JobSpec {
  return {
    version: 1,
    ...(scheduleId ? { scheduleId } : {}),
    names: { schedule: 'Nightly customers', source: 'ERP', script: 'Customers', destination: 'bq customers' },
    source: { host: 'fb.example', port: 3050, database: 'employee', user: 'ETL_READER', charset: 'WIN1252', timeZone: 'America/Sao_Paulo' },
    script: { name: 'Customers', sql: 'SELECT * FROM CUSTOMER', keyColumns: [] },
    destination: { kind: 'bigquery', projectId: 'p1', dataset: 'erp', table: 'customers', writeMode: 'truncate' },
  };
}

export function runTemplate(scheduleId?: string): RunTemplate {
  return { spec: jobSpec(scheduleId), secrets: [{ env: 'ETL_SOURCE_PASSWORD', name: 'etl-source-src1', key: 'password' }], maxRuntimeSeconds: 3600 };
}

export function schedule(id: string, overrides: Partial<ScheduleDeployment> = {}): ScheduleDeployment {
  return { scheduleId: id, scheduleName: `Schedule ${id}`, cron: '0 3 * * *', timeZone: 'America/Sao_Paulo', active: true, template: runTemplate(id), ...overrides };
}

export function manualRun(executionId: string, scheduleId: string | null = 's1', triggeredBy = 'ana@example.com'): RunRequest {
  return { executionId, scheduleId, trigger: 'manual', triggeredBy, template: runTemplate(scheduleId ?? undefined) };
}

export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface FakeCluster {
  api: FakeApiServer;
  controllers: FakeControllers;
  kubeConfig: KubeConfig;
  batch: BatchV1Api;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  runtime(options?: Partial<KubernetesRuntimeOptions>): KubernetesRuntime;
  close(): Promise<void>;
}

export async function startFakeCluster(clock?: Clock): Promise<FakeCluster> {
  const api = new FakeApiServer();
  const url = await api.start();
  const kubeConfig = kubeConfigFor(url);
  const controllers = new FakeControllers(api, NAMESPACE, clock ? () => clock.now() : undefined);
  const runtimes: KubernetesRuntime[] = [];
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    api,
    controllers,
    kubeConfig,
    batch,
    core,
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    runtime(options = {}) {
      const runtime = new KubernetesRuntime({
        settings: testSettings(),
        clients: { batch, core, watch: new Watch(kubeConfig) },
        missedRunCheckIntervalMs: 0,
        watchRetryDelayMs: 20,
        stopPollIntervalMs: 20,
        logger: { warn: () => undefined },
        ...(clock ? { clock } : {}),
        ...options,
      });
      runtimes.push(runtime);
      return runtime;
    },
    async close() {
      await Promise.all(runtimes.map((r) => r.close()));
      await api.stop();
    },
  };
}

/** Polls until `check` passes (watch delivery is asynchronous). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

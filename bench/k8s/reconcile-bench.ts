// Kubernetes runtime reconcile benchmark (issue 4 "Performance"). One command:
//   npx tsc -p bench/k8s/tsconfig.json && node dist/bench/k8s/reconcile-bench.js [--schedules 10000]
// Against the in-test fake API server (HTTP on 127.0.0.1, the real client), measures:
//   1. initial reconcile of N schedules (time, requests by verb)
//   2. a second reconcile with nothing changed (target: 0 writes, 1 list per kind)
//   3. one schedule edited (target: exactly 1 write)
// and, as a baseline in the same run, a naive reconcile that reads and replaces every CronJob.
import { BatchV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import type { ScheduleDeployment } from '../../services/api/src/domain/runtime/runtime.js';
import { KubernetesRuntime } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { cronJobName } from '../../services/api/src/adapters/runtime/kubernetes/names.js';
import { FakeApiServer } from '../../test/k8s/fake-apiserver/server.js';

const NAMESPACE = 'etl-jobs';
const argValue = (flag: string, fallback: number) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const COUNT = argValue('--schedules', 10_000);
const CRONS = ['0 3 * * *', '*/15 * * * *', '30 6 * * 1-5', '0 * * * *'];
const ZONES = ['UTC', 'America/Sao_Paulo'];

function schedules(count: number, edited?: number): ScheduleDeployment[] {
  return Array.from({ length: count }, (_, i) => ({
    scheduleId: `b${i}`,
    scheduleName: `Bench schedule ${i}`,
    cron: i === edited ? '45 2 * * *' : CRONS[i % CRONS.length]!,
    timeZone: ZONES[i % ZONES.length]!,
    active: i % 10 !== 0,
    template: {
      spec: {
        version: 1,
        scheduleId: `b${i}`,
        names: { schedule: `Bench schedule ${i}`, source: 'ERP', script: `Table ${i}`, destination: `erp.table_${i}` },
        source: { host: 'fb.example', port: 3050, database: 'erp', user: 'ETL_READER', charset: 'WIN1252', timeZone: 'America/Sao_Paulo' },
        script: { name: `Table ${i}`, sql: `SELECT * FROM T${i}`, keyColumns: [] },
        destination: { kind: 'bigquery', projectId: 'p', dataset: 'erp', table: `table_${i}`, writeMode: 'truncate' },
      },
      secrets: [{ env: 'ETL_SOURCE_PASSWORD', name: 'etl-source-erp', key: 'password' }],
      maxRuntimeSeconds: 3600,
    },
  }));
}

function countByVerb(api: FakeApiServer, mark: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of api.requests.slice(mark)) counts[`${r.verb} ${r.plural}`] = (counts[`${r.verb} ${r.plural}`] ?? 0) + 1;
  return counts;
}

async function measure<T>(label: string, api: FakeApiServer, work: () => Promise<T>) {
  const mark = api.requests.length;
  const start = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const requests = countByVerb(api, mark);
  const writes = api.writesSince(mark).length;
  console.log(`${label.padEnd(38)} ${ms.toFixed(0).padStart(7)} ms  writes=${String(writes).padStart(6)}  requests=${JSON.stringify(requests)}${result ? `  result=${JSON.stringify(result)}` : ''}`);
  return { ms, writes, requests };
}

async function main(): Promise<void> {
  const api = new FakeApiServer();
  const server = await api.start();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'bench' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u', namespace: NAMESPACE }],
    currentContext: 'fake',
  });
  const batch = kc.makeApiClient(BatchV1Api);
  const settings = {
    namespace: NAMESPACE,
    extractorImage: 'registry.example/etl/extractor:1.0.0',
    leaderLease: 'etl-monitor-leader',
    podName: 'bench',
    resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
    backoffLimit: 2,
    ttlSecondsAfterFinished: 86_400,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    stopTimeoutMs: 60_000,
  };
  const runtime = new KubernetesRuntime({ settings, clients: { batch, core: kc.makeApiClient(CoreV1Api), watch: new Watch(kc) }, logger: { warn: (m, f) => console.error(m, f) } });

  console.log(`Kubernetes reconcile benchmark: ${COUNT} schedules (${CRONS.length} cron expressions x ${ZONES.length} zones), fake API server ${server}, node ${process.version}`);
  const warm = process.hrtime.bigint();
  for (const s of schedules(CRONS.length * ZONES.length)) runtime.desiredCronJob(s);
  console.log(`startingDeadlineSeconds warm-up (domain/cron, ${CRONS.length * ZONES.length} distinct cron/zone pairs, cached after): ${(Number(process.hrtime.bigint() - warm) / 1e6).toFixed(0)} ms`);

  const initial = await measure('1. initial reconcile', api, () => runtime.reconcile(schedules(COUNT)));
  const unchanged = await measure('2. second reconcile, nothing changed', api, () => runtime.reconcile(schedules(COUNT)));
  const listed = await measure('   (of which: the list alone)', api, async () => void (await batch.listNamespacedCronJob({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/managed-by=etl-monitor' })));
  const edited = await measure('3. one schedule edited', api, () => runtime.reconcile(schedules(COUNT, 4242 % COUNT)));

  // Baseline: read every CronJob and replace it (no hash, no list) — what a naive sync loop does.
  const desired = schedules(COUNT, 4242 % COUNT).map((s) => runtime.desiredCronJob(s));
  const naive = await measure('baseline: naive read+replace, unchanged', api, async () => {
    for (let i = 0; i < desired.length; i += 16) {
      await Promise.all(
        desired.slice(i, i + 16).map(async (cronJob) => {
          const current = await batch.readNamespacedCronJob({ name: cronJobName(cronJob.metadata!.labels!['etl-monitor/schedule']!), namespace: NAMESPACE });
          await batch.replaceNamespacedCronJob({ name: current.metadata!.name!, namespace: NAMESPACE, body: { ...cronJob, metadata: { ...cronJob.metadata, resourceVersion: current.metadata!.resourceVersion } } });
        }),
      );
    }
    return undefined;
  });

  console.log('');
  console.log('| step | time | requests | writes | target |');
  console.log('|---|---:|---:|---:|---|');
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  console.log(`| initial reconcile, ${COUNT} schedules | ${(initial.ms / 1000).toFixed(1)} s | ${total(initial.requests)} | ${initial.writes} | ${COUNT} creates |`);
  console.log(`| second reconcile, unchanged | ${unchanged.ms.toFixed(0)} ms | ${total(unchanged.requests)} | ${unchanged.writes} | 0 writes, 1 list |`);
  console.log(`| (the list of ${COUNT} CronJobs alone) | ${listed.ms.toFixed(0)} ms | 1 | 0 | - |`);
  console.log(`| one schedule edited | ${edited.ms.toFixed(0)} ms | ${total(edited.requests)} | ${edited.writes} | 1 write |`);
  console.log(`| baseline: naive read+replace, unchanged | ${(naive.ms / 1000).toFixed(1)} s | ${total(naive.requests)} | ${naive.writes} | - |`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (benchmark process incl. the fake API server)`);
  const ok = unchanged.writes === 0 && unchanged.requests['list cronjobs'] === 1 && total(unchanged.requests) === 1 && edited.writes === 1 && initial.writes === COUNT;
  await api.stop();
  if (!ok) {
    console.error('TARGETS MISSED');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

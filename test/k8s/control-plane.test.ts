// The real control plane with ETL_RUNTIME=kubernetes: configuration from the environment, the
// Kubernetes client from KUBECONFIG (pointing at the in-test fake API server), a real Postgres
// database, HTTP API calls with a personal API token. Tests play the CronJob/Job controllers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import request from 'supertest';
import YAML from 'yaml';
import { CONTRACT_ROLE_RULES } from '../deploy/support/contract.js';
import { ConfigError, loadConfig } from '../../services/api/src/config.js';
import { createControlPlane, migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { startServer, type RunningServer } from '../../services/api/src/bootstrap/server.js';
import { validateCronJob, validateJob } from '../../services/api/src/adapters/runtime/kubernetes/validate.js';
import { createTestDatabase } from '../support/postgres.js';
import { FakeApiServer, FakeControllers } from './fake-apiserver/index.js';
import { NAMESPACE, eventually } from './support.js';

const IMAGE = 'registry.example/etl/extractor:1.2.3';
const PASSWORD = 'fb-Secret-pw-4711';
const ADMIN = 'admin@example.com';

let api: FakeApiServer;
let controllers: FakeControllers;
let databaseUrl: string;
let workDir: string;
let cp: RunningServer | undefined;
let token: string;
/** What the control plane logged at info level (the runtime's lines go through the same logger). */
const infoLines: string[] = [];
const previousKubeconfig = process.env.KUBECONFIG;

function kubeconfigYaml(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    // client-node refuses plain http unless TLS verification is off (the fake API server speaks http on 127.0.0.1).
    `- name: fake\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
    'users:',
    '- name: etl-monitor\n  user:\n    token: test-token',
    'contexts:',
    `- name: fake\n  context:\n    cluster: fake\n    user: etl-monitor\n    namespace: ${NAMESPACE}`,
    'current-context: fake',
    '',
  ].join('\n');
}

function kubernetesEnv(): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'test-session-secret-with-enough-length-000',
    ETL_RUNTIME: 'kubernetes',
    // Sign-in is not exercised here (API token); the issuer is never contacted.
    OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
    OIDC_CLIENT_ID: 'etl-monitor',
    OIDC_CLIENT_SECRET: 'oidc-client-secret',
    BOOTSTRAP_ADMINS: ADMIN,
    ETL_NAMESPACE: NAMESPACE,
    ETL_EXTRACTOR_IMAGE: IMAGE,
    ETL_JOB_SERVICE_ACCOUNT: 'etl-extractor',
    POD_NAME: 'etl-monitor-0',
    ETL_HOME: workDir,
  };
}

async function startControlPlane(): Promise<RunningServer> {
  const config = loadConfig(kubernetesEnv());
  return startServer(config, { log: { info: (line: string) => void infoLines.push(line), error: (...args: unknown[]) => console.error(...args) }, host: '127.0.0.1' });
}

const http = () => request(cp!.url);
async function call(method: 'get' | 'post' | 'delete', path: string, body?: object, expected?: number): Promise<any> {
  const req = http()[method](`/api/v1${path}`).set('authorization', `Bearer ${token}`);
  const res = body ? await req.send(body) : await req;
  if (expected !== undefined && res.status !== expected) throw new Error(`${method.toUpperCase()} ${path}: expected ${expected}, got ${res.status} ${res.text}`);
  return res.body;
}
const execution = (id: number) => call('get', `/executions/${id}`, undefined, 200);
async function waitForStatus(id: number, status: string): Promise<any> {
  let last: any;
  await eventually(async () => {
    last = await execution(id);
    expect(last.status).toBe(status);
  }, 10_000);
  return last;
}
const executionsOf = async (scheduleId: number, status?: string): Promise<any[]> =>
  (await call('get', `/executions?scheduleId=${scheduleId}&limit=200${status ? `&status=${status}` : ''}`, undefined, 200)).items;

const summary = (rows: number) =>
  JSON.stringify({ summary: true, status: 'succeeded', rowsRead: rows, rowsWritten: rows, startedAt: '2024-06-01T03:00:00Z', finishedAt: '2024-06-01T03:01:00Z' });

let ids: { sourceId: number; scriptId: number; destinationId: number; scheduleId: number };
let succeededExecutionId = 0;

async function createSchedule(name: string, cron: string, timeZone: string): Promise<number> {
  const schedule = await call('post', '/schedules', { name, sourceId: ids.sourceId, scriptId: ids.scriptId, destinationId: ids.destinationId, cron, timeZone, active: true, maxRuntimeSeconds: 900 }, 201);
  return schedule.id as number;
}

beforeAll(async () => {
  api = new FakeApiServer();
  const server = await api.start();
  controllers = new FakeControllers(api, NAMESPACE);
  workDir = mkdtempSync(join(tmpdir(), 'etl-k8s-cp-'));
  writeFileSync(join(workDir, 'kubeconfig'), kubeconfigYaml(server));
  process.env.KUBECONFIG = join(workDir, 'kubeconfig');
  databaseUrl = await createTestDatabase('k8s_cp');
  await migrateDatabase(databaseUrl);
  cp = await startControlPlane();
  // A personal API token of a bootstrap admin (what the OIDC sign-in would create).
  const user = await cp.controlPlane.services.users.signIn({ email: ADMIN, name: 'Admin' });
  token = (await cp.controlPlane.tokens.create({ userId: user.id, email: user.email, role: user.role }, { name: 'k8s test' })).secret;

  const source = await call('post', '/sources', { name: 'ERP', host: 'fb.example', port: 3050, database: 'employee', user: 'ETL_READER', password: PASSWORD, charset: 'UTF8', timeZone: 'America/Sao_Paulo' }, 201);
  const script = await call('post', '/scripts', { name: 'Employees', sourceId: source.id, sql: 'SELECT EMP_NO, FIRST_NAME FROM EMPLOYEE' }, 201);
  const destination = await call('post', '/destinations', { name: 'bq employees', kind: 'bigquery', projectId: 'p1', dataset: 'erp', table: 'employees', writeMode: 'truncate' }, 201);
  ids = { sourceId: source.id, scriptId: script.id, destinationId: destination.id, scheduleId: 0 };
  ids.scheduleId = await createSchedule('Employees nightly', '*/5 * * * *', 'America/Sao_Paulo');
}, 60_000);

afterAll(async () => {
  await cp?.close();
  await api?.stop();
  if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = previousKubeconfig;
  rmSync(workDir, { recursive: true, force: true });
});

describe('etl-monitor serve with ETL_RUNTIME=kubernetes (KUBECONFIG -> fake API server, real Postgres)', () => {
  test('the runtime is the leader-gated Kubernetes runtime and /readyz reaches the API server', async () => {
    expect(cp!.controlPlane.runtime.kind).toBe('kubernetes');
    const ready = await http().get('/readyz');
    expect(ready.status).toBe(200);
    expect(api.get('leases', NAMESPACE, 'etl-monitor-leader')?.spec.holderIdentity).toBe('etl-monitor-0');
    expect(infoLines.filter((l) => l.startsWith('kubernetes runtime: became leader'))).toEqual([
      'kubernetes runtime: became leader: watching runs, reconciled schedules {"report":{"created":0,"updated":0,"deleted":0,"unchanged":0,"failed":[]}}',
    ]);
  });

  test('without ETL_EXTRACTOR_IMAGE the control plane refuses to start with a configuration error (CLI exit 78)', async () => {
    const { ETL_EXTRACTOR_IMAGE: _image, ...env } = kubernetesEnv();
    const attempt = createControlPlane(loadConfig(env));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow('ETL_EXTRACTOR_IMAGE is required with ETL_RUNTIME=kubernetes (e.g. europe-docker.pkg.dev/PROJECT/etl/extractor:1.0.0)');
  });

  test('creating a schedule through the API creates CronJob etl-s-<id>, valid, admission-gated, running as 10001', () => {
    const cronJob = api.get('cronjobs', NAMESPACE, `etl-s-${ids.scheduleId}`)!;
    expect(cronJob).toBeDefined();
    expect(() => validateCronJob(structuredClone(cronJob) as never)).not.toThrow();
    expect(cronJob.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'etl-monitor',
      'app.kubernetes.io/name': 'etl-monitor',
      'app.kubernetes.io/component': 'extractor',
      'etl-monitor/schedule': String(ids.scheduleId),
    });
    expect(cronJob.metadata.annotations).toMatchObject({ 'etl-monitor/schedule-name': 'Employees nightly', 'etl-monitor/source': 'ERP', 'etl-monitor/script': 'Employees', 'etl-monitor/destination': 'bq employees' });
    expect([cronJob.spec.schedule, cronJob.spec.timeZone, cronJob.spec.suspend, cronJob.spec.concurrencyPolicy, cronJob.spec.startingDeadlineSeconds]).toEqual(['*/5 * * * *', 'America/Sao_Paulo', false, 'Forbid', 300]);
    const jobSpec = cronJob.spec.jobTemplate.spec;
    // CronJob-created Jobs wait (suspended) until the leader admits them through the executions lock.
    expect([jobSpec.suspend, jobSpec.activeDeadlineSeconds]).toEqual([true, 900]);
    const pod = jobSpec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(pod.containers[0].image).toBe(IMAGE);
    expect(pod.containers[0].env).toContainEqual({ name: 'ETL_SOURCE_PASSWORD', valueFrom: { secretKeyRef: { name: `etl-source-${ids.sourceId}`, key: 'password' } } });
  });

  test('the source password is in Secret etl-source-<id>, never in the CronJob spec or the database', async () => {
    const secret = api.get('secrets', NAMESPACE, `etl-source-${ids.sourceId}`)!;
    expect(Buffer.from(secret.data.password, 'base64').toString('utf8')).toBe(PASSWORD);
    expect(Object.keys(secret.data)).toEqual(['password']);
    expect(JSON.stringify(api.get('cronjobs', NAMESPACE, `etl-s-${ids.scheduleId}`))).not.toContain(PASSWORD);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).rows.map((r) => r.table_name);
      expect(tables).toEqual(expect.arrayContaining(['sources', 'executions', 'audit_events']));
      for (const table of tables) {
        const rows = (await client.query(`SELECT t::text AS row FROM "${table}" t`)).rows.map((r) => r.row as string);
        expect(rows.filter((row) => row.includes(PASSWORD))).toEqual([]);
      }
    } finally {
      await client.end();
    }
  });

  test('run now creates Job etl-x-<id>; the Job controller completing it with a termination message makes the execution succeeded with its rows', async () => {
    const started = await call('post', `/schedules/${ids.scheduleId}/run`, {}, 202);
    const name = `etl-x-${started.id}`;
    const job = api.get('jobs', NAMESPACE, name)!;
    expect(() => validateJob(structuredClone(job) as never)).not.toThrow();
    expect(job.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'etl-monitor', 'etl-monitor/schedule': String(ids.scheduleId), 'etl-monitor/execution': String(started.id) });
    expect(job.metadata.annotations!['etl-monitor/triggered-by']).toBe(ADMIN);
    expect(job.spec.suspend).toBeUndefined();
    expect(JSON.stringify(job)).not.toContain(PASSWORD);
    expect(controllers.podsOf(name)).toHaveLength(1);
    expect(await waitForStatus(started.id, 'running')).toMatchObject({ runtimeName: name, trigger: 'manual', triggeredBy: ADMIN });

    controllers.finishJob(name, { outcome: 'Complete', terminationMessage: summary(42), at: new Date('2024-06-01T03:01:02Z') });
    const done = await waitForStatus(started.id, 'succeeded');
    succeededExecutionId = started.id;
    expect([done.rowsRead, done.rowsWritten, done.error, done.finishedAt]).toEqual([42, 42, null, '2024-06-01T03:01:02.000Z']);
  });

  test('Stop deletes the Job with Background propagation, waits for the pods, records stopped and who stopped it', async () => {
    const started = await call('post', `/schedules/${ids.scheduleId}/run`, {}, 202);
    const name = `etl-x-${started.id}`;
    await waitForStatus(started.id, 'running');
    const mark = api.requests.length;

    const stopped = await call('post', `/executions/${started.id}/stop`, {}, 200);

    expect([stopped.status, stopped.stoppedBy, stopped.error]).toEqual(['stopped', ADMIN, `Stopped by ${ADMIN}: Job deleted before it finished; its pods are gone`]);
    const deletes = api.requests.slice(mark).filter((r) => r.verb === 'delete');
    expect(deletes.map((r) => [r.path, r.query.propagationPolicy, r.body])).toEqual([
      [`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${name}`, 'Background', { propagationPolicy: 'Background' }],
    ]);
    expect(api.get('jobs', NAMESPACE, name)).toBeUndefined();
    expect(controllers.podsOf(name)).toEqual([]);
    const audit = await call('get', '/audit?limit=200', undefined, 200);
    expect(audit.items.filter((e: any) => e.action === 'execution.stop' && String(e.targetId) === String(started.id)).map((e: any) => [e.actor, e.outcome])).toEqual([[ADMIN, 'success']]);
  });

  test('a CronJob-created Job gets its execution row the first time it is seen; a second one while it runs is skipped and never starts a pod', async () => {
    const first = controllers.fireCronJob(`etl-s-${ids.scheduleId}`, new Date('2024-06-01T06:00:00Z'));
    await eventually(() => expect(api.get('jobs', NAMESPACE, first.metadata.name)!.spec.suspend).toBe(false));
    const admitted = api.get('jobs', NAMESPACE, first.metadata.name)!;
    const executionId = Number(admitted.metadata.labels!['etl-monitor/execution']);
    expect(admitted.metadata.annotations!['etl-monitor/admitted-execution']).toBe(String(executionId));
    expect(await execution(executionId)).toMatchObject({ scheduleId: ids.scheduleId, trigger: 'scheduled', triggeredBy: 'scheduler', runtimeName: first.metadata.name, scheduledFor: '2024-06-01T06:00:00.000Z', status: 'running' });
    await eventually(() => expect(controllers.podsOf(first.metadata.name)).toHaveLength(1));
    // kubectl get pods -l etl-monitor/execution=<id> finds the pod of a scheduled run as well.
    expect(api.list('pods', NAMESPACE, `etl-monitor/execution=${executionId}`).map((p) => p.metadata.labels!['job-name'])).toEqual([first.metadata.name]);

    // A manual request while the scheduled run is active: 409, nothing created.
    const refused = await http().post(`/api/v1/schedules/${ids.scheduleId}/run`).set('authorization', `Bearer ${token}`).send({});
    expect(refused.status).toBe(409);
    // The CronJob controller creates the next slot's Job anyway (it only counts its own active Jobs after a restart).
    const second = controllers.fireCronJob(`etl-s-${ids.scheduleId}`, new Date('2024-06-01T06:05:00Z'));
    await eventually(() => expect(api.get('jobs', NAMESPACE, second.metadata.name)).toBeUndefined());
    expect(controllers.startedJobs.filter((n) => n === second.metadata.name)).toEqual([]);
    const skipped = await executionsOf(ids.scheduleId, 'skipped');
    expect(skipped.map((e) => [e.runtimeName, e.error])).toEqual([[second.metadata.name, `Overlapped with execution ${executionId}; stopped`]]);

    controllers.finishJob(first.metadata.name, { outcome: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', exitCode: 143 });
    expect(await waitForStatus(executionId, 'failed')).toMatchObject({ error: 'DeadlineExceeded: Job was active longer than specified deadline (exit code 143)' });
    expect(await executionsOf(ids.scheduleId, 'running')).toEqual([]);
  });

  test('50 concurrent run-now requests plus a CronJob-created Job for the same schedule: exactly one extractor starts, the rest are refused (409) or skipped', async () => {
    const scheduleId = await createSchedule('Overlap', '*/5 * * * *', 'UTC');
    const before = controllers.startedJobs.length;
    const fired = controllers.fireCronJob(`etl-s-${scheduleId}`, new Date('2024-06-02T03:00:00Z'));
    const codes = await Promise.all(
      Array.from({ length: 50 }, () => http().post(`/api/v1/schedules/${scheduleId}/run`).set('authorization', `Bearer ${token}`).send({}).then((r) => r.status)),
    );
    // Wait for the leader's decision on the CronJob's Job: unsuspended (admitted) or deleted (skipped).
    await eventually(() => expect(api.get('jobs', NAMESPACE, fired.metadata.name)?.spec.suspend ?? 'deleted').not.toBe(true), 10_000);
    const cronJobAdmitted = api.get('jobs', NAMESPACE, fired.metadata.name) !== undefined;
    const started = controllers.startedJobs.slice(before);
    expect(started).toHaveLength(1);
    expect(codes.filter((c) => c === 202).length + (cronJobAdmitted ? 1 : 0)).toBe(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(cronJobAdmitted ? 50 : 49);
    const rows = await executionsOf(scheduleId);
    expect(rows.filter((e) => e.status === 'running').map((e) => e.runtimeName)).toEqual(started);
    expect(rows.filter((e) => e.status === 'skipped').map((e) => e.runtimeName)).toEqual(cronJobAdmitted ? [] : [fired.metadata.name]);
    expect(rows).toHaveLength(cronJobAdmitted ? 1 : 2);
    controllers.finishJob(started[0]!, { outcome: 'Complete', terminationMessage: summary(1) });
    await eventually(async () => expect((await executionsOf(scheduleId, 'succeeded')).length).toBe(1), 10_000);
  });

  test('editing the schedule patches its CronJob once; deleting it deletes the CronJob; unlabelled CronJobs are never touched', async () => {
    const foreign = api.put('cronjobs', { metadata: { name: 'someone-elses', namespace: NAMESPACE }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: {} } } });
    const scheduleId = await createSchedule('Short lived', '0 4 * * *', 'UTC');
    const mark = api.requests.length;
    await call('post', `/schedules/${scheduleId}/deactivate`, {}, 200);
    expect(api.requests.slice(mark).filter((r) => !['get', 'list', 'watch'].includes(r.verb)).map((r) => [r.verb, r.path])).toEqual([
      ['patch', `/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs/etl-s-${scheduleId}`],
    ]);
    expect(api.get('cronjobs', NAMESPACE, `etl-s-${scheduleId}`)!.spec.suspend).toBe(true);
    await call('delete', `/schedules/${scheduleId}`, undefined, 204);
    expect(api.get('cronjobs', NAMESPACE, `etl-s-${scheduleId}`)).toBeUndefined();
    expect(api.get('cronjobs', NAMESPACE, 'someone-elses')!.metadata.resourceVersion).toBe(foreign.metadata.resourceVersion);
  });

  test('after a restart the new leader reports the slots the CronJob controller missed as `missed` executions with the Kubernetes event reason', async () => {
    const hourly = await createSchedule('Hourly', '0 * * * *', 'UTC');
    const name = `etl-s-${hourly}`;
    const orphan = await call('post', `/schedules/${hourly}/run`, {}, 202);
    await waitForStatus(orphan.id, 'running');
    await cp!.close();
    cp = undefined;
    // Its Job disappears while no control plane watches (kubectl delete, or the TTL after it finished).
    api.remove('jobs', NAMESPACE, `etl-x-${orphan.id}`, 'Background');
    // While the control plane was down, the CronJob controller last started a slot 5 hours ago and then gave up.
    const hour = 3_600_000;
    const lastStarted = new Date(Math.floor(Date.now() / hour) * hour - 5 * hour);
    api.update('cronjobs', NAMESPACE, name, (cj) => {
      cj.metadata.creationTimestamp = new Date(lastStarted.getTime() - 24 * hour).toISOString();
      cj.status = { lastScheduleTime: lastStarted.toISOString().replace('.000Z', 'Z') };
    });
    controllers.recordEvent({ kind: 'CronJob', name }, 'MissSchedule', 'Missed scheduled time to start a job: too many missed start times', new Date());
    const deadline = api.get('cronjobs', NAMESPACE, name)!.spec.startingDeadlineSeconds as number;
    const expected: string[] = [];
    for (let slot = lastStarted.getTime() + hour; slot <= Date.now() - deadline * 1000; slot += hour) expected.push(new Date(slot).toISOString());

    cp = await startControlPlane();

    await eventually(async () => expect((await executionsOf(hourly, 'missed')).length).toBe(expected.length), 10_000);
    const missed = await executionsOf(hourly, 'missed');
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(missed.map((e) => e.scheduledFor).sort()).toEqual(expected);
    expect(new Set(missed.map((e) => [e.trigger, e.error].join(' | ')))).toEqual(new Set(['scheduled | MissSchedule: Missed scheduled time to start a job: too many missed start times']));
    expect(api.get('leases', NAMESPACE, 'etl-monitor-leader')?.spec.holderIdentity).toBe('etl-monitor-0');
    // The run whose Job vanished does not stay `running` for ever.
    expect(await waitForStatus(orphan.id, 'failed')).toMatchObject({
      error: `Job etl-x-${orphan.id} no longer exists (deleted, or removed after ttlSecondsAfterFinished, while no control plane was watching): the outcome of this run is unknown`,
    });
  });

  test('every request the control plane made fits the minimal RBAC Role documented in the README, and the Role grants nothing unused', async () => {
    // Exercise the remaining calls: run logs (pods/log) and deleting a source (its Secret).
    const pod = controllers.podsOf(`etl-x-${succeededExecutionId}`)[0]!;
    api.setPodLog(NAMESPACE, pod.metadata.name, '{"severity":"INFO","message":"42 rows"}\n');
    const logs = await call('get', `/executions/${succeededExecutionId}/logs`, undefined, 200);
    expect(JSON.stringify(logs)).toContain('42 rows');
    const throwaway = await call('post', '/sources', { name: 'Throwaway', host: 'fb.example', database: 'employee', user: 'ETL_READER', password: 'x-pass-1', charset: 'UTF8' }, 201);
    await call('delete', `/sources/${throwaway.id}`, undefined, 204);
    expect(api.get('secrets', NAMESPACE, `etl-source-${throwaway.id}`)).toBeUndefined();

    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- BEGIN kubernetes -->'), readme.indexOf('<!-- END kubernetes -->'));
    const roleYaml = /```yaml\n(kind: Role[\s\S]*?|apiVersion: rbac[\s\S]*?)```/.exec(section)?.[1];
    expect(roleYaml).toBeDefined();
    const role = YAML.parse(roleYaml!) as { kind: string; rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    expect(role.kind).toBe('Role');
    // The chart and k8s/base render exactly this Role (test/deploy checks them against the same rules).
    expect(role.rules).toEqual(CONTRACT_ROLE_RULES);
    const granted = new Set(role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`)))));
    const used = new Set(
      api.requests.flatMap((r) => {
        const resource = `${r.path.startsWith('/apis/') ? r.path.split('/')[2] : ''}/${r.plural}${r.path.endsWith('/log') ? '/log' : ''}`;
        // Kubernetes authorizes a server-side apply that creates the object as `create` as well as `patch`.
        const verbs = r.verb === 'patch' && r.contentType?.startsWith('application/apply-patch') ? ['patch', 'create'] : [r.verb];
        return verbs.map((verb) => `${verb} ${resource}`);
      }),
    );
    expect([...used].filter((u) => !granted.has(u)).sort()).toEqual([]);
    // And nothing is granted that the run did not need (get batch/jobs: checking whether a vanished run's Job exists).
    expect([...granted].filter((g) => !used.has(g)).sort()).toEqual([]);
  });
});


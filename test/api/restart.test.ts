// A control plane that dies mid-run (SIGKILL, no cleanup) and a new one started on the same
// database and ETL_HOME: the run whose extractor is gone is marked failed with the reason.
import { afterAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../services/api/src/config.js';
import { migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { startServer, type RunningServer } from '../../services/api/src/bootstrap/server.js';
import { paths, repositoryRoot } from '../../services/api/src/paths.js';
import { createTestDatabase } from '../support/postgres.js';
import { createSample, SLOW_SQL, waitForEnd } from './support/catalog.js';
import { signIn } from './support/sign-in.js';

const etlHome = mkdtempSync(join(tmpdir(), 'etl-home-restart-'));
let first: ChildProcess | undefined;
let second: RunningServer | undefined;

afterAll(async () => {
  first?.kill('SIGKILL');
  await second?.close();
  rmSync(etlHome, { recursive: true, force: true });
});

function startServeProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(repositoryRoot(), 'dist', 'services', 'api', 'src', 'entrypoints', 'cli', 'main.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

test('a run whose control plane was killed is failed with the reason after the restart', async () => {
  expect(readFileSync(paths.extractorMain()).length).toBeGreaterThan(0);
  const databaseUrl = await createTestDatabase('api_restart');
  await migrateDatabase(databaseUrl);
  const env = { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', DATABASE_URL: databaseUrl, SESSION_SECRET: 'restart-test-session-secret-000000000', ETL_DEV_IDP: 'true', ETL_HOME: etlHome };
  const started = await startServeProcess(env);
  first = started.child;
  const admin = await signIn(started.url, 'admin');
  const ids = await createSample(admin, await createTestDatabase('restart_dest'), { name: 'Crash', table: 'crash', sql: SLOW_SQL });
  const res = await admin.agent.post(`/api/v1/schedules/${ids.scheduleId}/run`).set('x-csrf-token', admin.csrf);
  expect(res.status).toBe(202);
  const id = res.body.id as number;
  const { pid } = JSON.parse(readFileSync(join(etlHome, 'runs', `etl-x-${id}`, 'run.json'), 'utf8')) as { pid: number };

  first.kill('SIGKILL'); // the control plane dies without cleaning up…
  await new Promise((r) => first!.once('exit', r));
  process.kill(pid, 'SIGKILL'); // …and its run dies too (e.g. the machine rebooted)

  second = await startServer(loadConfig(env), { log: { info: () => {}, error: console.error }, host: '127.0.0.1' });
  const viewer = await signIn(second.url, 'viewer');
  const done = await waitForEnd(viewer, id, 10_000);
  expect(done).toMatchObject({ status: 'failed', error: 'the control plane restarted while this run was active and its extractor process is gone' });
  // The schedule's lock is free again.
  const operator = await signIn(second.url, 'operator');
  const again = await operator.agent.post(`/api/v1/schedules/${ids.scheduleId}/run`).set('x-csrf-token', operator.csrf);
  expect(again.status).toBe(202);
  await operator.agent.post(`/api/v1/executions/${again.body.id}/stop`).set('x-csrf-token', operator.csrf);
  expect((await waitForEnd(operator, again.body.id as number)).status).toBe('stopped');
});

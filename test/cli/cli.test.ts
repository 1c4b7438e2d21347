// `etl-monitor` REST commands, run as a process against a running control plane (real Postgres,
// real extractor reading Firebird): schedules CRUD, run + follow to the end (exit code from the
// final status), stop, ad-hoc runs, executions, logs, users/permissions/audit, tokens, login and
// its config file, --output json, --help everywhere and the documented exit codes.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { createSample, post, SLOW_SQL, type SampleIds } from '../api/support/catalog.js';
import { createTestDatabase } from '../support/postgres.js';
import { paths } from '../../services/api/src/paths.js';
import { assertBuilt, runCli, type CliResult } from './run-cli.js';

let cp: TestControlPlane;
let admin: SignedIn;
let adminToken: string;
let viewerToken: string;
let sample: SampleIds;
let broken: SampleIds;
let home: string;

async function tokenFor(who: SignedIn, name: string): Promise<string> {
  return (await post(who, '/tokens', { name })).token as string;
}

/** As the admin (token in the environment), with a HOME of its own (no config file). */
const cli = (args: string[], token = adminToken) => runCli(args, { HOME: home, ETL_MONITOR_URL: cp.url, ETL_MONITOR_TOKEN: token });
const json = <T>(r: CliResult): T => {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** A port nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(paths.extractorMain())) throw new Error(`${paths.extractorMain()} is missing: run \`npm run build\` first`);
  home = mkdtempSync(join(tmpdir(), 'etl-cli-home-'));
  cp = await startTestControlPlane('issue6_cli');
  admin = await signIn(cp.url, 'admin');
  const viewer = await signIn(cp.url, 'viewer');
  adminToken = await tokenFor(admin, 'cli tests');
  viewerToken = await tokenFor(viewer, 'cli tests (viewer)');
  const destinationUrl = await createTestDatabase('issue6_cli_dest');
  sample = await createSample(admin, destinationUrl, { name: 'cli employee' });
  broken = await createSample(admin, destinationUrl, { name: 'cli wrong password', password: 'not-the-password', table: 'broken' });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('help and exit codes without a control plane', () => {
  test('--help works on every command and names the exit codes', async () => {
    const root = await runCli(['--help'], { HOME: home });
    expect(root.status).toBe(0);
    expect(root.stdout).toContain('Exit codes:');
    expect(root.stdout).toMatch(/etl-monitor logs <execution>\s+Print an execution's log lines/);
    const commands = [['schedules'], ['schedules', 'create'], ['schedules', 'update'], ['run'], ['stop'], ['executions', 'list'], ['executions', 'get'], ['logs'], ['users'], ['permissions'], ['audit'], ['tokens', 'create'], ['login'], ['serve']];
    const results = await Promise.all(commands.map((c) => runCli([...c, '--help'], { HOME: home })));
    results.forEach((r, i) => {
      expect([commands[i], r.status]).toEqual([commands[i], 0]);
      expect(r.stdout).toContain('--output');
    });
    expect(results[1]!.stdout).toMatch(/--cron\s+Cron expression/);
    expect(results[7]!.stdout).toMatch(/-f, --follow\s+Keep printing new lines until the run ends/);
  });

  test('2 for a usage error, 3 without URL/token, 7 when the control plane is unreachable', async () => {
    const usage = await runCli(['schedules', 'frobnicate'], { HOME: home });
    expect(usage.status).toBe(2);
    const missing = await runCli(['schedules', 'get'], { HOME: home });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('Not enough non-option arguments');
    const unconfigured = await runCli(['schedules', 'list'], { HOME: home });
    expect(unconfigured.status).toBe(3);
    expect(unconfigured.stderr).toContain('etl-monitor: no control plane URL: set ETL_MONITOR_URL and ETL_MONITOR_TOKEN, or run `etl-monitor login');
    const port = await closedPort();
    const unreachable = await runCli(['schedules', 'list'], { HOME: home, ETL_MONITOR_URL: `http://127.0.0.1:${port}`, ETL_MONITOR_TOKEN: adminToken });
    expect(unreachable.status).toBe(7);
    expect(unreachable.stderr).toBe(`etl-monitor: cannot reach the control plane at http://127.0.0.1:${port}: ECONNREFUSED\n`);
    expect(unreachable.stderr).not.toContain(adminToken);
  });
});

describe('against a running control plane', () => {
  let scheduleId: number;

  test('schedules create, get, list, update, disable, enable, delete', async () => {
    const created = await cli(['schedules', 'create', '--name', 'cli nightly', '--source', String(sample.sourceId), '--script', String(sample.scriptId), '--destination', String(sample.destinationId), '--cron', '0 2 * * *', '--time-zone', 'America/Sao_Paulo', '--no-active']);
    expect(created.status).toBe(0);
    const match = /^Created schedule (\d+) "cli nightly" \(inactive\)\n$/.exec(created.stdout);
    expect(match).not.toBeNull();
    scheduleId = Number(match![1]);

    const got = json<Record<string, unknown>>(await cli(['schedules', 'get', String(scheduleId), '-o', 'json']));
    expect(got).toMatchObject({ id: scheduleId, name: 'cli nightly', cron: '0 2 * * *', timeZone: 'America/Sao_Paulo', active: false, sourceId: sample.sourceId });

    const list = await cli(['schedules', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CRON\s+TIME ZONE\s+ACTIVE\s+SOURCE\s+SCRIPT\s+DESTINATION$/);
    expect(list.stdout).toMatch(new RegExp(`\\n${scheduleId}\\s+cli nightly\\s+0 2 \\* \\* \\*\\s+America/Sao_Paulo\\s+no\\s+${sample.sourceId}`));

    const updated = await cli(['schedules', 'update', String(scheduleId), '--cron', '30 4 * * 1']);
    expect([updated.status, updated.stdout]).toEqual([0, `Updated schedule ${scheduleId} "cli nightly"\n`]);
    const after = json<Record<string, unknown>>(await cli(['schedules', 'get', String(scheduleId), '-o', 'json']));
    expect(after).toMatchObject({ cron: '30 4 * * 1', timeZone: 'America/Sao_Paulo', name: 'cli nightly', active: false });

    expect((await cli(['schedules', 'enable', String(scheduleId)])).stdout).toBe(`Schedule ${scheduleId} "cli nightly" enabled\n`);
    expect((await cli(['schedules', 'disable', String(scheduleId)])).stdout).toBe(`Schedule ${scheduleId} "cli nightly" disabled\n`);

    const invalid = await cli(['schedules', 'update', String(scheduleId), '--cron', 'every day']);
    expect(invalid.status).toBe(6);
    expect(invalid.stderr).toMatch(/^etl-monitor: Invalid cron expression "every day"/);

    const throwaway = json<{ id: number }>(await cli(['schedules', 'create', '-o', 'json', '--name', 'cli throwaway', '--source', String(sample.sourceId), '--script', String(sample.scriptId), '--destination', String(sample.destinationId), '--cron', '0 1 * * *']));
    expect((await cli(['schedules', 'delete', String(throwaway.id)])).stdout).toBe(`Deleted schedule ${throwaway.id}\n`);
    const gone = await cli(['schedules', 'get', String(throwaway.id)]);
    expect(gone.status).toBe(5);
  });

  test('run --follow prints the log to the end with progress on stderr, exit 0 on success', async () => {
    const run = await cli(['run', String(scheduleId), '--follow']);
    expect(run.stderr).toBe(run.stderr.trimStart()); // nothing before the progress lines
    expect(run.status).toBe(0);
    const id = Number(/^Started execution (\d+)\n/.exec(run.stdout)![1]);
    expect(run.stderr).toMatch(new RegExp(`execution ${id}: (pending|running)\\n`));
    expect(run.stderr.endsWith(`execution ${id}: succeeded\n`)).toBe(true);

    // The followed output has every line the API has, in order, as "time  SEVERITY  message".
    const api = (await admin.agent.get(`/api/v1/executions/${id}/logs`)).body as { lines: { message: string; severity: string }[] };
    const printed = run.stdout.split('\n').slice(1).filter(Boolean);
    expect(printed.length).toBe(api.lines.length);
    expect(printed.map((l) => l.split(/\s{2,}/).slice(1).join('  '))).toEqual(api.lines.map((l) => `${l.severity}  ${l.message}`));
    expect(printed[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+00:00\) {2}[A-Z]+ +\S/);

    const logs = await cli(['logs', String(id)]);
    expect([logs.status, logs.stdout]).toEqual([0, `${printed.join('\n')}\n`]);
    const ndjson = (await cli(['logs', String(id), '-o', 'json', '--severity', 'NOTICE'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { severity: string });
    expect(ndjson.every((l) => ['NOTICE', 'WARNING', 'ERROR', 'CRITICAL'].includes(l.severity))).toBe(true);

    const execution = json<Record<string, unknown>>(await cli(['executions', 'get', String(id), '-o', 'json']));
    expect(execution).toMatchObject({ id, scheduleId, status: 'succeeded', trigger: 'manual', rowsWritten: 42 });
    const list = json<{ items: { id: number }[] }>(await cli(['executions', 'list', '--schedule', String(scheduleId), '--status', 'succeeded', '-o', 'json']));
    expect(list.items.map((e) => e.id)).toEqual([id]);
    // The run is "manual" (run now on a schedule), created within the last hour: kind and time range pass through.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const byKind = async (kind: string) => json<{ items: { id: number }[] }>(await cli(['executions', 'list', '--schedule', String(scheduleId), '--kind', kind, '--from', since, '-o', 'json'])).items.map((e) => e.id);
    expect([await byKind('manual'), await byKind('scheduled')]).toEqual([[id], []]);
    expect(json(await cli(['executions', 'list', '--to', since, '-o', 'json']))).toEqual({ items: [], nextBefore: null });
    const table = await cli(['executions', 'list', '--schedule', String(scheduleId)]);
    expect(table.stdout).toMatch(new RegExp(`\\n${id}\\s+${scheduleId}\\s+succeeded\\s+manual\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(UTC\\+00:00\\)\\s+\\d+\\.\\d s\\s+42`));
  }, 120_000);

  test('a failed run exits 10; logs of an unknown execution exit 5', async () => {
    const run = await cli(['run', String(broken.scheduleId), '-f']);
    const id = Number(/^Started execution (\d+)\n/.exec(run.stdout)![1]);
    expect(run.stderr.endsWith(`execution ${id}: failed\n`)).toBe(true);
    expect(run.status).toBe(10);
    const unknown = await cli(['logs', '999999', '--follow']);
    expect(unknown.status).toBe(5);
  }, 120_000);

  test('ad-hoc run, stop, then logs --follow exits 11 (stopped)', async () => {
    const slow = await post(admin, '/scripts', { name: 'cli slow', sourceId: sample.sourceId, sql: SLOW_SQL });
    const started = json<{ id: number; scheduleId: number | null }>(await cli(['run', '--source', String(sample.sourceId), '--script', String(slow.id), '--destination', String(sample.destinationId), '-o', 'json']));
    expect(started.scheduleId).toBeNull();
    const stop = await cli(['stop', String(started.id)]);
    expect(stop.status).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^Execution ${started.id}: (stopped|running|pending)\\n$`));
    const follow = await cli(['logs', String(started.id), '--follow']);
    expect(follow.stderr.endsWith(`execution ${started.id}: stopped\n`)).toBe(true);
    expect(follow.status).toBe(11);
    const mixed = await cli(['run', String(scheduleId), '--source', '1']);
    expect(mixed.status).toBe(2);
  }, 120_000);

  test('a viewer token: reading works, writing exits 4', async () => {
    expect((await cli(['schedules', 'list'], viewerToken)).status).toBe(0);
    const create = await cli(['schedules', 'create', '--name', 'nope', '--source', '1', '--script', '1', '--destination', '1', '--cron', '0 1 * * *'], viewerToken);
    expect(create.status).toBe(4);
    const results = await Promise.all([cli(['run', String(scheduleId)], viewerToken), cli(['run', '999999'], viewerToken), cli(['users', 'list'], viewerToken)]);
    // The sample is granted to the viewer (visible, so 4: may not run); an id nobody can see is "not found" (5).
    expect(results.map((r) => [r.status, r.stderr])).toEqual([
      [4, 'etl-monitor: viewer@example.com (role viewer) may not start runs\n'],
      [5, 'etl-monitor: Schedule 999999 not found\n'],
      [4, 'etl-monitor: viewer@example.com (role viewer) may not manage users\n'],
    ]);
  });

  test('users, permissions, audit', async () => {
    const users = json<{ items: { email: string; role: string }[] }>(await cli(['users', 'list', '-o', 'json']));
    expect(users.items.map((u) => u.email)).toEqual(expect.arrayContaining(['admin@example.com', 'viewer@example.com']));
    const me = await cli(['users', 'get', 'me']);
    expect(me.stdout).toMatch(/^id\s+\d+\nemail\s+admin@example\.com\n/);
    const permissions = await cli(['permissions']);
    expect(permissions.stdout).toMatch(/\nadmin \(you\)\s+\S/);
    const audit = json<{ items: { action: string; actor: string }[] }>(await cli(['audit', '--limit', '200', '-o', 'json']));
    expect(audit.items).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'schedule.create', actor: 'admin@example.com' })]));
    const table = await cli(['audit', '--limit', '3']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME$/);
  });

  test('login checks then writes the config file (0600); tokens create/list/revoke', async () => {
    const loginHome = mkdtempSync(join(tmpdir(), 'etl-cli-login-'));
    try {
      const env = { HOME: loginHome };
      const configFile = join(loginHome, '.config', 'etl-monitor', 'config.json');
      const refused = await runCli(['login', '--url', cp.url, '--token', 'etl_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'], env);
      expect(refused.status).toBe(3);
      expect(() => statSync(configFile)).toThrow();

      const login = await runCli(['login', '--url', `${cp.url}/`, '--token', adminToken], env);
      expect(login.status).toBe(0);
      expect(login.stdout).toBe(`Signed in to ${cp.url} as admin@example.com (admin); saved to ${configFile}\n`);
      expect(statSync(configFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(loginHome, '.config', 'etl-monitor')).mode & 0o777).toBe(0o700);
      expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ url: cp.url, token: adminToken });

      // No environment: the file is used.
      const created = json<{ id: number; token: string; name: string }>(await runCli(['tokens', 'create', 'from the cli', '--expires-in-days', '7', '-o', 'json'], env));
      expect(created.token).toMatch(/^etl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      const list = await runCli(['tokens', 'list'], env);
      expect(list.stdout).toMatch(new RegExp(`\\n${created.id}\\s+from the cli\\s+${created.token.slice(0, 12)}\\s`));
      expect(list.stdout).not.toContain(created.token);
      const revoke = await runCli(['tokens', 'revoke', String(created.id)], env);
      expect(revoke.stdout).toBe(`Revoked token ${created.id} "from the cli" (${created.token.slice(0, 12)}…)\n`);
      const revokedUse = await runCli(['schedules', 'list'], { ...env, ETL_MONITOR_TOKEN: created.token });
      expect(revokedUse.status).toBe(3);
    } finally {
      rmSync(loginHome, { recursive: true, force: true });
    }
  });
});

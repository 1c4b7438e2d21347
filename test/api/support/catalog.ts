// Creates the sample catalog through the JSON API: the Firebird `employee` source (read-only
// user), a script, a Postgres destination and a schedule.
import { expect } from '@jest/globals';
import { firebird } from '../../support/firebird.js';
import type { SignedIn } from './sign-in.js';
import { grantDevUsers } from '../../authz/support/world.js';

export const EMPLOYEE_SQL = 'SELECT EMP_NO, FIRST_NAME, LAST_NAME, HIRE_DATE, SALARY FROM EMPLOYEE';
/** ~120 million joined rows counted by Firebird: seconds of work before the first row arrives. */
export const SLOW_SQL = 'SELECT COUNT(*) AS N FROM RDB$FIELDS A CROSS JOIN RDB$FIELDS B CROSS JOIN RDB$FIELDS C CROSS JOIN (SELECT FIRST 10 RDB$RELATION_ID FROM RDB$RELATIONS) D';

export async function post(who: SignedIn, path: string, body: Record<string, unknown>, expected = 201): Promise<Record<string, unknown>> {
  const res = await who.agent.post(`/api/v1${path}`).set('x-csrf-token', who.csrf).send(body);
  if (res.status !== expected) throw new Error(`POST ${path}: expected ${expected}, got ${res.status} ${res.text}`);
  return res.body as Record<string, unknown>;
}

export interface SampleIds {
  sourceId: number;
  scriptId: number;
  destinationId: number;
  scheduleId: number;
}

export async function createSample(
  admin: SignedIn,
  destinationUrl: string,
  options: { name: string; sql?: string; table?: string; cron?: string; timeZone?: string; active?: boolean; host?: string; port?: number; password?: string; maxRuntimeSeconds?: number; grantDevUsers?: boolean },
): Promise<SampleIds> {
  const source = await post(admin, '/sources', {
    name: `${options.name} source`,
    host: options.host ?? firebird.host,
    port: options.port ?? firebird.port,
    database: firebird.employeeDatabase,
    user: firebird.readerUser,
    password: options.password ?? firebird.readerPassword,
    charset: 'NONE',
    legacyCharset: 'WIN1252',
    timeZone: 'America/Sao_Paulo',
    wireCrypt: 'required',
  });
  const script = await post(admin, '/scripts', { name: `${options.name} script`, sourceId: source.id, sql: options.sql ?? EMPLOYEE_SQL });
  const destination = await post(admin, '/destinations', {
    name: `${options.name} destination`,
    kind: 'postgres',
    schema: 'public',
    table: options.table ?? 'employee',
    writeMode: 'truncate',
    connectionUrl: destinationUrl,
  });
  const schedule = await post(admin, '/schedules', {
    name: options.name,
    sourceId: source.id,
    scriptId: script.id,
    destinationId: destination.id,
    cron: options.cron ?? '0 3 * * *',
    timeZone: options.timeZone ?? 'America/Sao_Paulo',
    active: options.active ?? false,
    maxRuntimeSeconds: options.maxRuntimeSeconds ?? 600,
  });
  expect(schedule.id).toEqual(expect.any(Number));
  const ids = { sourceId: source.id as number, scriptId: script.id as number, destinationId: destination.id as number, scheduleId: schedule.id as number };
  // Per-user permissions (issue 5): the dev operator and viewer may use what is created here
  // unless a test is about permissions (grantDevUsers: false).
  if (options.grantDevUsers !== false) await grantDevUsers(admin, ids);
  return ids;
}

/** Polls an execution until it leaves pending/running. */
export async function waitForEnd(who: SignedIn, executionId: number, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await who.agent.get(`/api/v1/executions/${executionId}`);
    if (res.status !== 200) throw new Error(`GET execution ${executionId}: ${res.status} ${res.text}`);
    if (!['pending', 'running'].includes(res.body.status as string)) return res.body as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

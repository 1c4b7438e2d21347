// The catalog checks' Firebird adapter on its own (real Firebird 3): time limits, the 20-row
// stop, and the domain's answer when the control plane cannot read passwords (Kubernetes).
import { describe, expect, test } from '@jest/globals';
import type { SourceSpec } from '../../jobs/contract/src/job-spec.js';
import { ExtractorFirebirdProbe } from '../../services/api/src/adapters/firebird/extractor-probe.js';
import { AuditTrail } from '../../services/api/src/domain/audit/audit-trail.js';
import { ProbeFailure, SourceCheckService, type FirebirdProbe } from '../../services/api/src/domain/catalog/source-check.js';
import { UnavailableError } from '../../services/api/src/domain/errors.js';
import type { AuditEvent, Script, Source } from '../../services/api/src/domain/model.js';
import { SLOW_SQL } from '../api/support/catalog.js';
import { startSilentServer } from '../extract/support/tcp-proxy.js';
import { firebird } from '../support/firebird.js';

const probe = new ExtractorFirebirdProbe();
const employee: SourceSpec = {
  host: firebird.host,
  port: firebird.port,
  database: firebird.employeeDatabase,
  user: firebird.readerUser,
  charset: 'NONE',
  legacyCharset: 'WIN1252',
  timeZone: 'UTC',
};
const limits = { connectTimeoutMs: 10_000, readTimeoutMs: 30_000 };

/** Rows 1..100 of a selectable block; row 21 divides by zero, so reading it fails. */
const FAILS_AT_ROW_21 = 'execute block returns (n integer, x integer) as begin n = 0; while (n < 100) do begin n = n + 1; x = 100 / (21 - n); suspend; end end';

async function failureOf(promise: Promise<unknown>): Promise<ProbeFailure> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProbeFailure);
  return err as ProbeFailure;
}

describe('time limits', () => {
  test('a login that never answers fails at the connect limit with the extractor message', async () => {
    const silent = await startSilentServer();
    try {
      const failure = await failureOf(probe.serverInfo({ ...employee, host: '127.0.0.1', port: silent.port }, firebird.readerPassword, { connectTimeoutMs: 400, readTimeoutMs: 1000 }));
      expect([failure.kind, failure.message]).toEqual(['unreachable', `Firebird 127.0.0.1:${silent.port} did not complete the login within 400 ms`]);
    } finally {
      await silent.close();
    }
  });

  test('a query slower than the read limit is abandoned with the extractor message', async () => {
    const failure = await failureOf(probe.preview(employee, firebird.readerPassword, { name: 'slow', sql: SLOW_SQL, keyColumns: [] }, 20, { connectTimeoutMs: 10_000, readTimeoutMs: 300 }));
    expect(failure.kind).toBe('connection-lost');
    expect(failure.message).toMatch(new RegExp(`^Firebird ${firebird.host}:${firebird.port} did not answer "(execute|fetch)" within 300 ms; the connection is considered lost$`));
  });
});

describe('at most 20 rows', () => {
  test('the server is never asked for row 21: a script failing there previews its first 20 rows', async () => {
    const data = await probe.preview({ ...employee, user: firebird.user }, firebird.password, { name: 'block', sql: FAILS_AT_ROW_21, keyColumns: [] }, 20, limits);
    expect(data.columns).toEqual([{ name: 'N', type: 'INTEGER' }, { name: 'X', type: 'INTEGER' }]);
    expect(data.rows).toHaveLength(20);
    expect(data.rows[0]).toEqual([1, 5]);
    expect(data.rows[19]).toEqual([20, 100]);
    // The same script asked for 21 rows reaches row 21 and fails: the limit above is what kept it out.
    const failure = await failureOf(probe.preview({ ...employee, user: firebird.user }, firebird.password, { name: 'block', sql: FAILS_AT_ROW_21, keyColumns: [] }, 21, limits));
    expect(failure.message).toMatch(/^Firebird failed running script "block": .*(divide|zero)/i);
  });
});

describe('no password reader (Kubernetes)', () => {
  test('the checks answer 503 with the reason and audit the failure', async () => {
    const source: Source = { id: 7, name: 'ERP', host: 'fb', port: 3050, database: 'erp', user: 'R', charset: 'UTF8', legacyCharset: null, timeZone: 'UTC', wireCrypt: 'required', secretName: 'etl-source-7' };
    const script: Script = { id: 9, name: 'Orders', sourceId: 7, sql: 'SELECT 1 FROM RDB$DATABASE', keyColumns: [], watermarkColumn: null, allowEmpty: false };
    const events: AuditEvent[] = [];
    const audit = new AuditTrail({ record: async (e) => void events.push(e), list: async () => [] });
    const repos = {
      sources: { get: async (id: number) => (id === 7 ? source : null) },
      scripts: { get: async (id: number) => (id === 9 ? script : null) },
    } as unknown as ConstructorParameters<typeof SourceCheckService>[0];
    const service = new SourceCheckService(repos, probe, undefined, audit, async () => 'all');
    const admin = { userId: 1, email: 'admin@example.com', role: 'admin' as const };
    const message = 'This control plane cannot read source passwords (in Kubernetes its Role only writes Secrets), so it cannot test saved connections or preview scripts; an admin can test the settings with the password typed in the source form';
    await expect(service.testSource(admin, 7)).rejects.toEqual(new UnavailableError(message));
    await expect(service.previewScript(admin, 9)).rejects.toEqual(new UnavailableError(message));
    expect(events.map((e) => [e.action, e.targetId, e.outcome, e.details.error])).toEqual([
      ['source.test', '7', 'failure', message],
      ['script.preview', '9', 'failure', message],
    ]);
  });
});

describe('concurrency limit', () => {
  test('more checks at once than the limit answer 503 (audited); the slot frees when a check ends', async () => {
    const source: Source = { id: 7, name: 'ERP', host: 'fb', port: 3050, database: 'erp', user: 'R', charset: 'UTF8', legacyCharset: null, timeZone: 'UTC', wireCrypt: 'required', secretName: 'etl-source-7' };
    const events: AuditEvent[] = [];
    const audit = new AuditTrail({ record: async (e) => void events.push(e), list: async () => [] });
    const repos = { sources: { get: async () => source }, scripts: { get: async () => null } } as unknown as ConstructorParameters<typeof SourceCheckService>[0];
    const releases: (() => void)[] = [];
    const blockingProbe: FirebirdProbe = {
      serverInfo: () => new Promise((resolve) => releases.push(() => resolve({ serverVersion: '3.0.11', databaseName: 'erp' }))),
      preview: async () => ({ columns: [], rows: [] }),
    };
    const service = new SourceCheckService(repos, blockingProbe, { read: async () => 'pw' }, audit, async () => 'all', { maxConcurrent: 2 });
    const admin = { userId: 1, email: 'admin@example.com', role: 'admin' as const };
    const first = service.testSource(admin, 7);
    const second = service.testSource(admin, 7);
    for (let i = 0; i < 20 && releases.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(releases).toHaveLength(2);
    const busy = '2 connection checks are already running on this server; try again in a moment';
    await expect(service.testSource(admin, 7)).rejects.toEqual(new UnavailableError(busy));
    releases.shift()!();
    expect((await first).ok).toBe(true);
    const third = service.testSource(admin, 7);
    for (let i = 0; i < 20 && releases.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(releases).toHaveLength(2);
    releases.splice(0).forEach((release) => release());
    expect([(await second).ok, (await third).ok]).toEqual([true, true]);
    expect(events.map((e) => [e.outcome, e.details.kind ?? null])).toEqual([['failure', 'busy'], ['success', null], ['success', null], ['success', null]]);
  });
});

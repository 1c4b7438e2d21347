import { describe, expect, test } from '@jest/globals';
import { accessLogEntry } from '../../services/api/src/adapters/logs/access-log.js';
import { createLogger } from '../../services/api/src/adapters/logs/logger.js';
import { REDACTED, redactSecrets, redactUrl } from '../../services/api/src/adapters/logs/redact.js';
import { traceFromHeader } from '../../services/api/src/adapters/logs/trace.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function capture(): { lines: string[]; write: (line: string) => void; parsed: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line), parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('redactSecrets', () => {
  test('replaces the plain, JSON-escaped and URL-encoded spellings; longest secret first', () => {
    const secret = 'p@ss"word\\1';
    const line = `a ${secret} b ${JSON.stringify(secret)} c postgres://u:${encodeURIComponent(secret)}@db/x`;
    expect(redactSecrets(line, [secret])).toBe(`a ${REDACTED} b "${REDACTED}" c postgres://u:${REDACTED}@db/x`);
    expect(redactSecrets('token=abcdef', ['abc', 'abcdef'])).toBe(`token=${REDACTED}`);
    expect(redactSecrets('nothing here', ['', 'zzz'])).toBe('nothing here');
  });

  test('redactUrl hides OIDC code/state and token parameters, keeps the others', () => {
    expect(redactUrl('/auth/callback?code=4%2F0Ab&state=xyz&iss=https%3A%2F%2Fidp')).toBe(`/auth/callback?code=${REDACTED}&state=${REDACTED}&iss=https%3A%2F%2Fidp`);
    expect(redactUrl('/api/v1/executions?status=failed&limit=20')).toBe('/api/v1/executions?status=failed&limit=20');
    expect(redactUrl('/x?%E0=1&Token=t')).toBe(`/x?%E0=1&Token=${REDACTED}`);
  });
});

describe('createLogger', () => {
  test('writes one Cloud Logging JSON object per line with severity, message, time and labels', () => {
    const out = capture();
    const logger = createLogger({ write: out.write, labels: { etl_monitor_component: 'api' }, now: () => NOW });
    logger.info('schedule created', { scheduleId: 7 });
    logger.child({ etl_monitor_execution: 'abc' }).error('run failed', { error: new Error('connection lost') });
    expect(out.lines.every((line) => line.endsWith('}\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    const [first, second] = out.parsed();
    expect(first).toEqual({
      scheduleId: 7,
      severity: 'INFO',
      message: 'schedule created',
      time: '2026-03-01T12:00:00.000Z',
      'logging.googleapis.com/labels': { etl_monitor_component: 'api' },
    });
    expect(second).toMatchObject({
      severity: 'ERROR',
      message: 'run failed',
      'logging.googleapis.com/labels': { etl_monitor_component: 'api', etl_monitor_execution: 'abc' },
      error: { name: 'Error', message: 'connection lost' },
    });
  });

  test('below the minimum severity nothing is written', () => {
    const out = capture();
    const logger = createLogger({ write: out.write, minSeverity: 'WARNING' });
    logger.info('chatty');
    logger.warning('kept');
    expect(out.parsed().map((entry) => entry.message)).toEqual(['kept']);
  });

  test('a request logger carries the trace from X-Cloud-Trace-Context', () => {
    const out = capture();
    const trace = traceFromHeader('105445aa7843bc8bf206b12000100000/1;o=1', 'acme-data');
    createLogger({ write: out.write, now: () => NOW }).child({}, trace).info('listing schedules');
    expect(out.parsed()[0]).toEqual({
      severity: 'INFO',
      message: 'listing schedules',
      time: '2026-03-01T12:00:00.000Z',
      'logging.googleapis.com/trace': 'projects/acme-data/traces/105445aa7843bc8bf206b12000100000',
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
  });

  test('known secrets never appear in any line, whatever field or spelling carries them', () => {
    const out = capture();
    const sessionSecret = 's3ss10n-S3cret-value';
    const sourcePassword = 'fb"pa$$\\word';
    const logger = createLogger({ write: out.write, secrets: [sessionSecret] });
    logger.addSecret(sourcePassword);
    logger.info(`config loaded with SESSION_SECRET=${sessionSecret}`);
    logger.warning('connect failed', { url: `firebird://etl:${encodeURIComponent(sourcePassword)}@db/employee`, password: sourcePassword, nested: { list: [sessionSecret] } });
    logger.error('unexpected', { error: new Error(`auth failed for password ${sourcePassword}`) });
    logger.child({ etl_monitor_execution: sessionSecret }).info('label carries it too');
    expect(out.lines).toHaveLength(4);
    for (const line of out.lines) {
      expect(line).not.toContain(sessionSecret);
      expect(line).not.toContain(sourcePassword);
      expect(line).not.toContain(JSON.stringify(sourcePassword).slice(1, -1));
      expect(line).not.toContain(encodeURIComponent(sourcePassword));
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(out.parsed()[1]).toMatchObject({ password: REDACTED, url: `firebird://etl:${REDACTED}@db/employee` });
  });
});

describe('traceFromHeader', () => {
  test('parses trace/span/options, converting the decimal span id to 16 hex digits', () => {
    expect(traceFromHeader('105445AA7843BC8BF206B12000100000/1234567890;o=0', 'p')).toEqual({
      trace: 'projects/p/traces/105445aa7843bc8bf206b12000100000',
      spanId: '00000000499602d2',
      sampled: false,
    });
    expect(traceFromHeader('105445aa7843bc8bf206b12000100000', 'p')).toEqual({ trace: 'projects/p/traces/105445aa7843bc8bf206b12000100000' });
  });

  test('no project, no header or a malformed header → no trace', () => {
    expect(traceFromHeader('105445aa7843bc8bf206b12000100000/1;o=1', undefined)).toBeUndefined();
    expect(traceFromHeader(undefined, 'p')).toBeUndefined();
    expect(traceFromHeader('not-a-trace', 'p')).toBeUndefined();
  });
});

describe('accessLogEntry', () => {
  const request = {
    method: 'get',
    originalUrl: '/auth/callback?code=secret-code&state=st',
    url: '/callback?code=secret-code&state=st',
    headers: {
      'user-agent': 'Mozilla/5.0',
      referer: 'https://idp.example.com/login?token=t0k',
      authorization: 'Bearer personal-token',
      cookie: 'etl.sid=session-id',
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/10;o=1',
    },
    ip: '203.0.113.9',
    httpVersion: '1.1',
  };

  test('builds httpRequest (URL credentials redacted), severity by status and the trace', () => {
    const entry = accessLogEntry(request, { statusCode: 302, getHeader: (name) => (name === 'content-length' ? 0 : undefined) }, 12.4, { projectId: 'acme-data' });
    expect(entry).toEqual({
      severity: 'INFO',
      message: `GET /auth/callback?code=${REDACTED}&state=${REDACTED} 302 12 ms`,
      httpRequest: {
        requestMethod: 'GET',
        requestUrl: `/auth/callback?code=${REDACTED}&state=${REDACTED}`,
        status: 302,
        responseSize: '0',
        userAgent: 'Mozilla/5.0',
        remoteIp: '203.0.113.9',
        referer: `https://idp.example.com/login?token=${REDACTED}`,
        latency: '0.012s',
        protocol: 'HTTP/1.1',
      },
      'logging.googleapis.com/trace': 'projects/acme-data/traces/105445aa7843bc8bf206b12000100000',
      'logging.googleapis.com/spanId': '000000000000000a',
      'logging.googleapis.com/trace_sampled': true,
    });
  });

  test('4xx is WARNING, 5xx is ERROR; no credentials header reaches the written line', () => {
    expect(accessLogEntry({ headers: {}, url: '/x' }, { statusCode: 404 }, 1).severity).toBe('WARNING');
    expect(accessLogEntry({ headers: {}, url: '/x', socket: { remoteAddress: '127.0.0.1' } }, { statusCode: 503 }, 1500)).toMatchObject({
      severity: 'ERROR',
      httpRequest: { remoteIp: '127.0.0.1', latency: '1.500s' },
    });
    const out = capture();
    createLogger({ write: out.write }).emit(accessLogEntry(request, { statusCode: 200 }, 3));
    expect(out.lines[0]).not.toContain('personal-token');
    expect(out.lines[0]).not.toContain('session-id');
    expect(out.lines[0]).not.toContain('secret-code');
    expect(out.parsed()[0]).not.toHaveProperty('logging.googleapis.com/trace'); // no project id given
  });
});

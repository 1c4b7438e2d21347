// scripts/k8s-smoke.sh is written for a real cluster; here it runs unchanged against the fake API
// server (kubectl through its discovery endpoints, the runtime from dist/ through KUBECONFIG), so
// the script itself is known to work and to fail when a check fails.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeApiServer, FakeControllers } from './fake-apiserver/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NS = 'etl-smoke';
let api: FakeApiServer;
let dir: string;

beforeAll(async () => {
  const entry = join(ROOT, 'dist/services/api/src/adapters/runtime/kubernetes/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} missing: run npm run build first (the smoke script runs the built runtime)`);
  api = new FakeApiServer();
  const url = await api.start();
  new FakeControllers(api, NS);
  dir = mkdtempSync(join(tmpdir(), 'etl-k8s-smoke-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: smoke\n  user:\n    token: t\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: smoke\ncurrent-context: fake\n`,
  );
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runSmoke(): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts/k8s-smoke.sh')], {
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), ETL_NAMESPACE: NS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean) }));
  });
}

// Names that change per run (timestamps, uids) -> placeholders.
const normalise = (line: string) =>
  line.replace(/smoke\d{6,}/g, 'smoke<ts>').replace(/\([0-9a-f-]{36}\)/, '(<uid>)').replace(/after \d+\.\d s/, 'after <s> s');

describe('scripts/k8s-smoke.sh against the fake API server', () => {
  test('every step passes: reconcile, kubectl by the three labels, uid 10001, stop with its pods gone, CronJob removed', async () => {
    const { code, lines } = await runSmoke();
    expect(lines.map(normalise)).toEqual([
      'namespace/etl-smoke created',
      'PASS reconcile #1 {"created":1,"updated":0,"deleted":0,"unchanged":0,"failed":[]}',
      'PASS reconcile #2 writes nothing {"created":0,"updated":0,"deleted":0,"unchanged":1,"failed":[]}',
      'created Job etl-x-smoke<ts> (<uid>)',
      'PASS kubectl finds the CronJob by label',
      'PASS pod of etl-x-smoke<ts> is Running',
      'PASS kubectl finds the Job by etl-monitor/execution=smoke<ts>',
      'PASS kubectl finds the Job by etl-monitor/schedule=smoke1',
      'PASS the pod runs as uid/gid 10001',
      'PASS stop: {"terminated":true} after <s> s',
      'PASS no pod left for job-name=etl-x-smoke<ts>',
      'PASS CronJob removed',
      'k8s smoke test passed',
    ]);
    expect(code).toBe(0);
    // The script cleaned up after itself.
    expect(api.get('namespaces', '', NS)).toBeUndefined();
    expect(api.list('cronjobs', NS)).toEqual([]);
  }, 120_000);

  test('a failing kubectl check is printed as FAIL and the script exits non-zero', async () => {
    api.interceptor = (r) => (r.verb === 'list' && r.plural === 'jobs' && r.query.labelSelector?.startsWith('etl-monitor/execution=') ? { code: 500, reason: 'InternalError', message: 'injected' } : undefined);
    try {
      const { code, lines } = await runSmoke();
      expect(lines.map(normalise).filter((l) => l.startsWith('FAIL') || l.includes('smoke test'))).toEqual([
        'FAIL kubectl finds the Job by etl-monitor/execution=smoke<ts>',
        'k8s smoke test FAILED',
      ]);
      expect(code).toBe(1);
    } finally {
      api.interceptor = undefined;
    }
  }, 120_000);
});

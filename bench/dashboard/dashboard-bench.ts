// Dashboard listing benchmark (issue 5 "Performance"). One command: `npm run bench:dashboard`
// (= tsc -p bench/dashboard/tsconfig.json && node dist/bench/dashboard/dashboard-bench.js
//  [--rows 1000000] [--repeat 30]).
//
// In a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.sh): migrate, generate N executions
// with generate_series (seed.ts: 24 schedules over 3 sources, scheduled / manual / ad-hoc runs,
// mixed statuses, per-user grants), start the real control plane on that database in this process,
// sign in through the dev IdP as the admin (sees everything) and as an operator granted 3 of the 24
// schedules' source/script/destination, then for each filter and each of them:
//   - the dashboard page GET / : first page, a page in the middle of the matching history and a
//     page near its oldest end (keyset cursor `before=<id>`); server time of each request, median
//     and p95 of --repeat requests after a warm-up;
//   - the listing SQL the repository sends for those pages (captured from Sequelize), run directly,
//     against the OFFSET baseline: the same first-page SQL with OFFSET <depth> for the same pages;
//   - EXPLAIN (ANALYZE, BUFFERS) of each: the index used, rows the scans returned, buffers touched.
//
// Server time = from the moment Node's HTTP server emits 'request' (headers parsed) until the
// response's 'finish' (the last byte handed to the socket), recorded by a listener put in front of
// the app. It covers everything the app does for the page (session read from Postgres, the actor
// re-read, visibility, the listing, the schedule names, rendering) and leaves out the client and
// the loopback round trip. Measured outside the app so the app needs no benchmark-only middleware.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { loadConfig } from '../../services/api/src/config.js';
import { migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { startServer } from '../../services/api/src/bootstrap/server.js';
import { createRepositories } from '../../services/api/src/adapters/db/repositories.js';
import type { ExecutionFilter } from '../../services/api/src/domain/ports.js';
import type { Visibility } from '../../services/api/src/domain/permissions/visibility.js';
import { PAGE_SIZE } from '../../services/api/src/entrypoints/http/pages/dashboard.js';
import { signIn, type SignedIn } from '../../test/api/support/sign-in.js';
import { seedSql } from './seed.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const argValue = (flag: string, fallback: number) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROWS = argValue('--rows', 1_000_000);
const REPEAT = argValue('--repeat', 30);
const WARMUP = 3;
const BUDGET_MS = 50;
const ZONE = 'Europe/Berlin';

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const median = (values: number[]) => quantile(values, 0.5);
const f1 = (value: number): string => value.toFixed(1).padStart(6);
const pad = (text: string, width: number) => text.padEnd(width);

interface Case {
  name: string;
  /** The dashboard URL's query (what the filter form puts there). */
  query: Record<string, string>;
  /** The same filter as parseDashboardQuery makes it (dates = local days in ZONE, `to` exclusive). */
  filter: Omit<ExecutionFilter, 'limit' | 'visibility'>;
}

const CASES: Case[] = [
  { name: 'no filter', query: {}, filter: {} },
  { name: 'status=failed', query: { status: 'failed' }, filter: { status: 'failed' } },
  { name: 'schedule 10', query: { scheduleId: '10' }, filter: { scheduleId: 10 } },
  { name: 'kind=manual', query: { kind: 'manual' }, filter: { kind: 'manual' } },
  { name: 'kind=ad-hoc', query: { kind: 'ad-hoc' }, filter: { kind: 'ad-hoc' } },
  {
    name: 'June 2024 (date range)',
    query: { from: '2024-06-01', to: '2024-06-30' },
    filter: { from: new Date('2024-05-31T22:00:00Z'), to: new Date('2024-06-30T22:00:00Z') },
  },
  {
    name: 'failed+scheduled+2025 H1',
    query: { status: 'failed', kind: 'scheduled', from: '2025-01-01', to: '2025-06-30' },
    filter: { status: 'failed', kind: 'scheduled', from: new Date('2024-12-31T23:00:00Z'), to: new Date('2025-06-30T22:00:00Z') },
  },
  {
    name: 'failed+sched 10+scheduled+2025 H1',
    query: { status: 'failed', scheduleId: '10', kind: 'scheduled', from: '2025-01-01', to: '2025-06-30' },
    filter: { status: 'failed', scheduleId: 10, kind: 'scheduled', from: new Date('2024-12-31T23:00:00Z'), to: new Date('2025-06-30T22:00:00Z') },
  },
];

interface PlanSummary { text: string; ms: number }

async function main(): Promise<void> {
  const clusterDir = mkdtempSync(join(tmpdir(), 'etl-bench-dashboard-'));
  const etlHome = mkdtempSync(join(tmpdir(), 'etl-bench-home-'));
  const script = join(ROOT, 'scripts', 'pg-cluster.sh');
  let stopServer: (() => Promise<void>) | undefined;
  try {
    const started = execFileSync('bash', [script, 'start', clusterDir], { encoding: 'utf8' });
    const adminUrl = /DATABASE_ADMIN_URL=(\S+)/.exec(started)![1]!;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const databaseUrl = adminUrl.replace(/\/postgres$/, '/bench');
    await migrateDatabase(databaseUrl);

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const t0 = performance.now();
    await db.query(seedSql(ROWS));
    await db.query('VACUUM ANALYZE'); // fresh statistics and visibility map, as autovacuum would leave them
    const count = Number((await db.query('SELECT count(*) AS n FROM executions')).rows[0].n);
    const version = (await db.query('SHOW server_version')).rows[0].server_version as string;
    console.log(`generated ${count} executions in ${((performance.now() - t0) / 1000).toFixed(1)} s; PostgreSQL ${version}; Node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);

    const config = loadConfig({
      NODE_ENV: 'test', PORT: '0', DATABASE_URL: databaseUrl, SESSION_SECRET: 'bench-session-secret-with-enough-length-00',
      ETL_DEV_IDP: 'true', ETL_HOME: etlHome, PATH: process.env.PATH,
    });
    const running = await startServer(config, { log: { info: () => {}, error: (...args: unknown[]) => console.error(...args) }, host: '127.0.0.1' });
    stopServer = () => running.close();
    // Production caches compiled views (Express does when NODE_ENV=production); the bench runs
    // NODE_ENV=test only because the dev IdP refuses production, so turn the cache on the same way.
    (running.server.listeners('request')[0] as unknown as { enable(setting: string): void }).enable('view cache');
    // Server time of the last finished request (see the header comment).
    let lastServerMs = NaN;
    running.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
      res.once('finish', () => { lastServerMs = performance.now() - start; });
    });

    const users: { label: string; who: SignedIn; visibility: Visibility }[] = [];
    for (const [label, login] of [['admin', 'admin'], ['operator', 'operator']] as const) {
      const who = await signIn(running.url, login);
      const grants = (await db.query(
        `SELECT resource_type AS t, array_agg(resource_id ORDER BY resource_id) AS ids FROM permissions JOIN users u ON u.id = user_id WHERE u.email = $1 GROUP BY 1`,
        [`${login}@example.com`],
      )).rows as { t: string; ids: number[] }[];
      const ids = (t: string) => grants.find((g) => g.t === t)?.ids ?? [];
      const visibility: Visibility = label === 'admin' ? 'all' : { sourceIds: ids('source'), scriptIds: ids('script'), destinationIds: ids('destination') };
      users.push({ label, who, visibility });
    }
    const visibleCount = Number((await db.query(
      `SELECT count(*) AS n FROM executions WHERE source_id = ANY($1) AND script_id = ANY($2) AND destination_id = ANY($3)`,
      [...['sourceIds', 'scriptIds', 'destinationIds'].map((k) => (users[1]!.visibility as unknown as Record<string, number[]>)[k])],
    )).rows[0].n);
    console.log(`operator@example.com is granted ${JSON.stringify(users[1]!.visibility)}: sees ${visibleCount} of ${count} executions`);

    // The SQL the repository really sends, captured from Sequelize.
    let captured = '';
    const sequelize = new Sequelize(databaseUrl, { dialect: 'postgres', logging: (sql: string) => { captured = sql.replace(/^Executing \(default\): /, ''); } });
    const repository = createRepositories(sequelize).executions;
    const sqlOf = async (filter: ExecutionFilter): Promise<string> => {
      await repository.list(filter);
      return captured.replace(/;$/, '');
    };
    const timeSql = async (sql: string): Promise<{ median: number; p95: number }> => {
      for (let i = 0; i < WARMUP; i++) await db.query(sql);
      const samples: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const start = performance.now();
        await db.query(sql);
        samples.push(performance.now() - start);
      }
      return { median: median(samples), p95: quantile(samples, 0.95) };
    };
    const plan = async (sql: string): Promise<PlanSummary> => {
      const lines = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      // The scans that read executions for the page (InitPlans = the date range's id bounds, listed apart).
      const scans: string[] = [];
      const bounds: string[] = [];
      let inInitPlan = false;
      let initIndent = 0;
      for (const line of lines) {
        const indent = line.search(/\S/);
        if (/InitPlan/.test(line)) { inInitPlan = true; initIndent = indent; continue; }
        if (inInitPlan && indent <= initIndent) inInitPlan = false;
        const removed = /Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(line);
        const list = inInitPlan ? bounds : scans;
        if (removed && list.length) list[list.length - 1] = list[list.length - 1]!.replace(/ rows\)$/, ` rows, ${removed[1]} more read and filtered out)`);
        const scan = /(Index Only Scan(?: Backward)?|Index Scan(?: Backward)?|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan)(?: using| on) (\w+)/.exec(line);
        if (!scan) continue;
        const rows = /rows=(\d+)/.exec(line)?.[1] ?? '?';
        list.push(`${scan[1]} ${scan[2]} (${rows} rows)`);
      }
      const sort = lines.find((l) => /Sort Method/.test(l))?.trim();
      // The first Buffers line is the top node's: everything the query read (planning apart).
      const buffers = lines.map((l) => /Buffers: (.*)/.exec(l)?.[1]).find(Boolean);
      const execMs = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
      const text = `${scans.join(' + ') || 'no scan?'}${sort ? `, ${sort}` : ', no sort'}${bounds.length ? `; date bounds: ${bounds.join(', ')}` : ''}; buffers ${buffers ?? 'none'}; ${execMs.toFixed(2)} ms`;
      return { text, ms: execMs };
    };
    const timePage = async (who: SignedIn, path: string): Promise<{ median: number; p95: number; rows: number; firstId: number }> => {
      const samples: number[] = [];
      let rows = 0;
      let firstId = 0;
      for (let i = 0; i < WARMUP + REPEAT; i++) {
        const res = await who.agent.get(path).set('Cookie', `tz=${ZONE}`);
        if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
        const ids = [...res.text.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]));
        rows = ids.length;
        firstId = ids[0] ?? 0;
        if (i >= WARMUP) samples.push(lastServerMs);
      }
      return { median: median(samples), p95: quantile(samples, 0.95), rows, firstId };
    };

    console.log(`\nserver time of GET / (median / p95 of ${REPEAT} requests after ${WARMUP} warm-ups, ms); page = ${PAGE_SIZE} rows (+1 read to know whether an older page exists), viewer zone ${ZONE}; budget ${BUDGET_MS} ms (median)`);
    console.log('SQL = the listing query alone, run directly (median of the same count, ms): keyset at each depth vs OFFSET <depth> for the same page\n');
    const failures: string[] = [];
    const summary: string[] = [];
    const plans: string[] = [];
    for (const user of users) {
      for (const c of CASES) {
        const base: ExecutionFilter = { ...c.filter, visibility: user.visibility, limit: PAGE_SIZE + 1 };
        const firstSql = await sqlOf(base);
        const countSql = `SELECT count(*) AS n FROM (${firstSql.replace(/ ORDER BY "Execution"\."id" DESC LIMIT \d+$/, '')}) matching`;
        const matching = Number((await db.query(countSql)).rows[0].n);
        // Depths: first page, the middle of the matching history, and 60 rows before its oldest end.
        const depths = [0, Math.floor(matching / 2), Math.max(0, matching - 60)].filter((d, i, all) => all.indexOf(d) === i && (d === 0 || d > PAGE_SIZE));
        const label = `${user.label} / ${c.name}`;
        console.log(`== ${label}: ${matching} matching executions`);
        for (const depth of depths) {
          // The keyset cursor for "after `depth` matching rows" is the id of the depth-th one.
          const before = depth > 0 ? Number((await db.query(`${firstSql.replace(/LIMIT \d+$/, '')} LIMIT 1 OFFSET ${depth - 1}`)).rows[0].id) : undefined;
          const keysetSql = before ? await sqlOf({ ...base, before }) : firstSql;
          const offsetSql = firstSql.replace(/LIMIT (\d+)$/, `LIMIT $1 OFFSET ${depth}`).replace('$1', String(PAGE_SIZE + 1));
          const query = new URLSearchParams({ ...c.query, ...(before ? { before: String(before) } : {}) });
          const page = await timePage(user.who, `/?${query}`);
          const keyset = await timeSql(keysetSql);
          const offset = depth > 0 ? await timeSql(offsetSql) : undefined;
          const where = depth === 0 ? 'first page' : depth === Math.floor(matching / 2) ? `middle (before=${before})` : `oldest end (before=${before})`;
          console.log(`   ${pad(where, 30)} page ${f1(page.median)} / ${f1(page.p95)}  (${page.rows} rows)   SQL keyset ${f1(keyset.median)}${offset ? `   OFFSET ${depth}: ${f1(offset.median)}` : ''}`);
          summary.push(`${pad(label, 46)} ${pad(depth === 0 ? 'first' : `depth ${depth}`, 13)} ${f1(page.median)} ${f1(page.p95)} ${f1(keyset.median)} ${offset ? f1(offset.median) : '     -'}`);
          plans.push(`${label}, ${where}:\n     keyset: ${(await plan(keysetSql)).text}${offset ? `\n     OFFSET: ${(await plan(offsetSql)).text}` : ''}`);
          if (page.rows !== Math.min(PAGE_SIZE, matching - depth)) failures.push(`${label} ${where}: ${page.rows} rows on the page, expected ${Math.min(PAGE_SIZE, matching - depth)}`);
          if (page.median >= BUDGET_MS) failures.push(`${label} ${where}: median ${page.median.toFixed(1)} ms >= ${BUDGET_MS} ms`);
        }
      }
    }
    console.log(`\n${pad('summary (ms)', 46)} ${pad('page', 13)} median    p95 keyset OFFSET`);
    for (const line of summary) console.log(line);
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of the listing SQL: scan nodes reading executions (rows they returned, rows read and filtered out), sort if any, buffers of the whole query, execution time:');
    for (const line of plans) console.log(`  ${line}`);
    await sequelize.close();
    await db.end();
    console.log(failures.length ? `\nFAILED:\n  ${failures.join('\n  ')}` : `\nall pages: median server time under ${BUDGET_MS} ms, full pages`);
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    await stopServer?.();
    execFileSync('bash', [script, 'stop', clusterDir]);
    rmSync(clusterDir, { recursive: true, force: true });
    rmSync(etlHome, { recursive: true, force: true });
  }
}

await main();

// Dashboard listing benchmark (issue 5 "Performance"). One command: `npm run bench:dashboard`
// (= tsc -p bench/dashboard/tsconfig.json && node dist/bench/dashboard/dashboard-bench.js [--rows 1000000] [--repeat 15]).
//
// In a throwaway PostgreSQL 15 cluster (scripts/pg-cluster.sh): migrate, generate N executions
// with generate_series (20 schedules, scheduled / manual / ad-hoc, mixed statuses, one every 63 s),
// start the real control plane on that database, sign in through the dev IdP, then for each filter:
//   - the dashboard page (first page, and a page deep in the history via the keyset cursor):
//     median request time of repeated GETs on 127.0.0.1 (server time plus a loopback round trip);
//   - the listing SQL the repository generates (captured from Sequelize), keyset vs the OFFSET
//     baseline for the same page, median of repeated runs;
//   - EXPLAIN (ANALYZE) of both, naming the indexes used and the rows the executor touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { loadConfig } from '../../services/api/src/config.js';
import { migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { startServer } from '../../services/api/src/bootstrap/server.js';
import { createRepositories } from '../../services/api/src/adapters/db/repositories.js';
import type { ExecutionFilter } from '../../services/api/src/domain/ports.js';
import { PAGE_SIZE } from '../../services/api/src/entrypoints/http/pages/dashboard.js';
import { signIn } from '../../test/api/support/sign-in.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const argValue = (flag: string, fallback: number) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const ROWS = argValue('--rows', 1_000_000);
const REPEAT = argValue('--repeat', 15);
const SCHEDULES = 20;
const BUDGET_MS = 50;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;

const SEED = (rows: number) => `
INSERT INTO sources (name, host, port, database, user_name, charset, time_zone, secret_name)
  VALUES ('ERP', 'fb.example', 3050, 'erp', 'ETL_READER', 'UTF8', 'UTC', 'etl-source-1');
INSERT INTO scripts (name, source_id, sql) SELECT 'Table ' || i, 1, 'SELECT * FROM T' || i FROM generate_series(1, ${SCHEDULES}) i;
INSERT INTO destinations (name, kind, project_id, dataset, table_name, write_mode)
  SELECT 'erp.table_' || i, 'bigquery', 'p', 'erp', 'table_' || i, 'truncate' FROM generate_series(1, 3) i;
INSERT INTO schedules (name, source_id, script_id, destination_id, cron, time_zone, active, max_runtime_seconds, created_by)
  SELECT 'Schedule ' || i, 1, i, 1 + i % 3, '0 3 * * *', 'UTC', FALSE, 3600, 'bench' FROM generate_series(1, ${SCHEDULES}) i;
-- g = 1 is the oldest run. Every 50th run is ad hoc, every 10th (+5) a manual "run now", the rest scheduled.
INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status,
                        scheduled_for, started_at, finished_at, rows_read, rows_written, error, params, created_at, updated_at)
SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE s END, 1, s, 1 + s % 3,
       CASE WHEN g % 50 = 0 OR g % 10 = 5 THEN 'manual' ELSE 'scheduled' END,
       CASE WHEN g % 50 = 0 OR g % 10 = 5 THEN 'operator' || (g % 7) || '@example.com' ELSE 'scheduler' END,
       st,
       CASE WHEN g % 50 = 0 OR g % 10 = 5 THEN NULL ELSE t END,
       CASE WHEN st = 'skipped' THEN NULL ELSE t + interval '2 seconds' END,
       t + make_interval(secs => 30 + g % 300),
       CASE WHEN st = 'succeeded' THEN (g::bigint * 7919) % 100000 END,
       CASE WHEN st = 'succeeded' THEN (g::bigint * 7919) % 100000 END,
       CASE WHEN st = 'failed' THEN 'source: connection lost' END,
       CASE WHEN g % 50 = 0 THEN '{"maxRuntimeSeconds": 3600}'::jsonb
            ELSE jsonb_build_object('schedule', 'Schedule ' || s, 'cron', '0 3 * * *', 'timeZone', 'UTC', 'maxRuntimeSeconds', 3600) END,
       t, t
FROM (
  SELECT g, 1 + g % ${SCHEDULES} AS s, timestamptz '2024-01-01 00:00Z' + g * interval '63 seconds' AS t,
         CASE WHEN g % 97 = 0 THEN 'failed' WHEN g % 211 = 0 THEN 'stopped' WHEN g % 503 = 0 THEN 'skipped' ELSE 'succeeded' END AS st
  FROM generate_series(1, ${rows}) g
) runs;
`;

interface Case {
  name: string;
  query: Record<string, string>;
  filter: Omit<ExecutionFilter, 'limit'>;
  /** How many matching rows precede the deep page. */
  depth: number;
}

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
    let t = performance.now();
    await db.query(SEED(ROWS));
    await db.query('VACUUM ANALYZE'); // fresh statistics and visibility map, as autovacuum would leave them
    const count = Number((await db.query('SELECT count(*) AS n FROM executions')).rows[0].n);
    console.log(`generated ${count} executions in ${((performance.now() - t) / 1000).toFixed(1)} s (PostgreSQL ${(await db.query('SHOW server_version')).rows[0].server_version})`);

    const config = loadConfig({
      NODE_ENV: 'test', PORT: '0', DATABASE_URL: databaseUrl, SESSION_SECRET: 'bench-session-secret-with-enough-length-00',
      ETL_DEV_IDP: 'true', ETL_HOME: etlHome, PATH: process.env.PATH,
    });
    const running = await startServer(config, { log: { info: () => {}, error: (...args: unknown[]) => console.error(...args) }, host: '127.0.0.1' });
    stopServer = () => running.close();
    // Production caches compiled views (Express does when NODE_ENV=production); the bench runs
    // NODE_ENV=test only because the dev IdP refuses production, so turn the cache on the same way.
    (running.server.listeners('request')[0] as unknown as { enable(setting: string): void }).enable('view cache');
    const { agent } = await signIn(running.url, 'admin');

    // The SQL the repository really sends, captured from Sequelize.
    let captured = '';
    const sequelize = new Sequelize(databaseUrl, { dialect: 'postgres', logging: (sql: string) => { captured = sql.replace(/^Executing \(default\): /, ''); } });
    const repository = createRepositories(sequelize).executions;
    const sqlOf = async (filter: ExecutionFilter): Promise<string> => {
      await repository.list(filter);
      return captured;
    };
    const timeSql = async (sql: string): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const start = performance.now();
        await db.query(sql);
        samples.push(performance.now() - start);
      }
      return median(samples);
    };
    const plan = async (sql: string): Promise<string> => {
      const lines = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      const indexes = [...new Set(lines.flatMap((l) => [...l.matchAll(/(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)].map((m) => m[1]!)))];
      const seq = lines.some((l) => /Seq Scan on executions/.test(l));
      const sort = lines.some((l) => /^\s*(->\s*)?(Incremental )?Sort/.test(l));
      const top = lines.find((l) => /Limit/.test(l)) ?? '';
      const scanned = lines.filter((l) => /Scan/.test(l)).map((l) => /rows=(\d+)/.exec(l)?.[1]).filter(Boolean).join('+');
      return `${indexes.length ? `index ${indexes.join(', ')}` : 'NO INDEX'}${seq ? ', SEQ SCAN' : ''}${sort ? ', sort' : ''}; rows scanned ${scanned}; ${top.trim()}`;
    };
    const timePage = async (path: string): Promise<{ median: number; rows: number }> => {
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < REPEAT + 1; i++) {
        const start = performance.now();
        const res = await agent.get(path).set('Cookie', 'tz=Europe/Berlin');
        const elapsed = performance.now() - start;
        if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
        rows = (res.text.match(/<tr data-id="\d+"/g) ?? []).length;
        if (i > 0) samples.push(elapsed); // the first request warms caches and compiled views
      }
      return { median: median(samples), rows };
    };

    const cases: Case[] = [
      { name: 'no filter', query: {}, filter: {}, depth: Math.floor(ROWS * 0.9) },
      { name: 'schedule 3', query: { scheduleId: '3' }, filter: { scheduleId: 3 }, depth: Math.floor((ROWS / SCHEDULES) * 0.9) },
      { name: 'schedule 3 + succeeded', query: { scheduleId: '3', status: 'succeeded' }, filter: { scheduleId: 3, status: 'succeeded' }, depth: Math.floor((ROWS / SCHEDULES) * 0.85) },
      { name: 'failed', query: { status: 'failed' }, filter: { status: 'failed' }, depth: Math.floor((ROWS / 97) * 0.9) },
      { name: 'trigger manual', query: { kind: 'manual' }, filter: { kind: 'manual' }, depth: Math.floor((ROWS / 10) * 0.9) },
      { name: 'trigger ad-hoc + failed', query: { kind: 'ad-hoc', status: 'failed' }, filter: { kind: 'ad-hoc', status: 'failed' }, depth: 0 },
      {
        name: 'one month + succeeded',
        query: { from: '2024-06-01', to: '2024-06-30', status: 'succeeded' },
        filter: { from: new Date('2024-05-31T22:00:00Z'), to: new Date('2024-06-30T22:00:00Z'), status: 'succeeded' },
        depth: 30_000,
      },
    ];

    console.log(`\nmedian of ${REPEAT} requests/queries; page = GET on 127.0.0.1 with ${PAGE_SIZE} rows (+1 to detect a next page), viewer zone Europe/Berlin; budget ${BUDGET_MS} ms\n`);
    const failures: string[] = [];
    for (const c of cases) {
      const firstSql = await sqlOf({ ...c.filter, limit: PAGE_SIZE + 1 });
      const matching = Number((await db.query(firstSql.replace(/^SELECT .*? FROM/, 'SELECT count(*) AS n FROM').replace(/ ORDER BY .*$/, ''))).rows[0].n);
      const depth = Math.min(c.depth, Math.max(0, matching - PAGE_SIZE));
      const cursorRow = depth > 0 ? (await db.query(firstSql.replace(/LIMIT \d+;?$/, `LIMIT 1 OFFSET ${depth - 1}`))).rows[0] : undefined;
      const before = cursorRow ? Number(cursorRow.id) : undefined;
      const deepSql = before ? await sqlOf({ ...c.filter, before, limit: PAGE_SIZE + 1 }) : firstSql;
      const offsetSql = firstSql.replace(/LIMIT (\d+);?$/, `LIMIT $1 OFFSET ${depth}`);
      const query = new URLSearchParams(c.query);
      const firstPage = await timePage(`/?${query}`);
      const deepPage = before ? await timePage(`/?${new URLSearchParams({ ...c.query, before: String(before) })}`) : firstPage;
      const [firstQ, deepQ, offsetQ] = [await timeSql(firstSql), await timeSql(deepSql), await timeSql(offsetSql)];
      console.log(`== ${c.name}: ${matching} matching executions; deep page = after ${depth} of them`);
      console.log(`   page   first ${ms(firstPage.median)} (${firstPage.rows} rows)   deep ${ms(deepPage.median)} (${deepPage.rows} rows)`);
      console.log(`   SQL    keyset first ${ms(firstQ)}   keyset deep ${ms(deepQ)}   OFFSET ${depth} baseline ${ms(offsetQ)}`);
      console.log(`   plan   keyset deep: ${await plan(deepSql)}`);
      console.log(`   plan   OFFSET:      ${await plan(offsetSql)}`);
      for (const [label, value] of [['first page', firstPage.median], ['deep page', deepPage.median]] as const) {
        if (value >= BUDGET_MS) failures.push(`${c.name} ${label}: ${ms(value)} >= ${BUDGET_MS} ms`);
      }
    }
    await sequelize.close();
    await db.end();
    console.log(failures.length ? `\nOVER BUDGET:\n  ${failures.join('\n  ')}` : `\nall pages under ${BUDGET_MS} ms`);
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    await stopServer?.();
    execFileSync('bash', [script, 'stop', clusterDir]);
    rmSync(clusterDir, { recursive: true, force: true });
    rmSync(etlHome, { recursive: true, force: true });
  }
}

await main();

// The dashboard's filters keep the executions listing index-driven (issue 5 "Performance"): with
// 300,000 executions generated like the benchmark's (bench/dashboard/seed.ts), the SQL the
// repository really sends for each filter — first page and a page deep in the matching history — is
// planned as one index scan that stops after a page: no sequential scan, no sort of every matching
// row. The pages hold exactly the rows a plain query (no index tricks) returns, so the date range's
// id bounds (migration 0003) cannot drop a row. Plan shapes and rows, not timings: timings are in
// `npm run bench:dashboard`.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { createRepositories } from '../../services/api/src/adapters/db/repositories.js';
import type { ExecutionFilter } from '../../services/api/src/domain/ports.js';
import { seedSql } from '../../bench/dashboard/seed.js';
import { createTestDatabase } from '../support/postgres.js';

const ROWS = 300_000; // one every 63 s from 2024-01-01: until 2024-08-08
const OPERATOR = { sourceIds: [2], scriptIds: [9, 10, 11], destinationIds: [1, 2, 3, 4, 5, 6] }; // operator@example.com's grants in the seed

let sequelize: Sequelize;
let db: pg.Client;
const statements: string[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase('web_dashboard_plan');
  await migrateDatabase(databaseUrl);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(seedSql(ROWS));
  await db.query('VACUUM ANALYZE executions'); // statistics and visibility map as autovacuum would leave them
  sequelize = new Sequelize(databaseUrl, { dialect: 'postgres', logging: (sql: string) => statements.push(sql.replace(/^Executing \(\w+\): /, '')) });
}, 180_000);

afterAll(async () => {
  await sequelize?.close();
  await db?.end();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/**
 * The repository's page for this filter, and its plan: the scans (InitPlans = the date range's
 * bounds, apart), whether it sorts, and how many rows the page's scans read (returned + filtered out).
 */
async function listing(filter: Omit<ExecutionFilter, 'limit'>): Promise<{ scans: string[]; bounds: string[]; sorted: boolean; read: number; ids: number[] }> {
  statements.length = 0;
  const page = await createRepositories(sequelize).executions.list({ ...filter, limit: 51 });
  const sql = statements.find((s) => /FROM "executions"/.test(s))!;
  const [{ 'QUERY PLAN': [root] }] = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`)).rows as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
  const scans: string[] = [];
  const bounds: string[] = [];
  let sorted = false;
  let read = 0;
  const walk = (n: PlanNode, inInitPlan: boolean) => {
    const init = inInitPlan || n['Parent Relationship'] === 'InitPlan';
    if (n['Node Type'] === 'Sort') sorted = true;
    if (/Scan/.test(n['Node Type'])) (init ? bounds : scans).push(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`);
    if (/Scan/.test(n['Node Type']) && !init) read += n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0);
    (n.Plans ?? []).forEach((c) => walk(c, init));
  };
  walk(root.Plan, false);
  return { scans, bounds, sorted, read, ids: page.map((e) => e.id) };
}

/** The same page by a plain query: the filter's meaning written independently of the repository. */
async function expected(where: string, before?: number): Promise<number[]> {
  const { rows } = await db.query(`SELECT id FROM executions WHERE ${where}${before ? ` AND id < ${before}` : ''} ORDER BY id DESC LIMIT 51`);
  return rows.map((r: { id: number }) => r.id);
}

const JUNE = { from: new Date('2024-05-31T22:00:00Z'), to: new Date('2024-06-30T22:00:00Z') }; // June 2024 in Europe/Berlin
const JUNE_SQL = `created_at >= '2024-05-31T22:00:00Z' AND created_at < '2024-06-30T22:00:00Z'`;
const SPRING = { from: new Date('2024-02-29T23:00:00Z'), to: new Date('2024-05-31T22:00:00Z') }; // March-May 2024 in Europe/Berlin
const SPRING_SQL = `created_at >= '2024-02-29T23:00:00Z' AND created_at < '2024-05-31T22:00:00Z'`;
// A page reads its 51 rows plus those the index range holds but another filter drops (the operator
// sees 1 row in 8): hundreds, not the tens of thousands a walk from the newest row would read.
const PAGE_READ_LIMIT = 2_000;
const VISIBLE_SQL = 'source_id = 2 AND script_id IN (9, 10, 11) AND destination_id BETWEEN 1 AND 6';

describe('dashboard listing plans at 300,000 executions', () => {
  // [label, filter, the same filter as plain SQL, the index the page scans (walking the primary key
  // newest first is "Index Scan executions_pkey", backward), a deep cursor with a full page older]
  test.each<[string, Omit<ExecutionFilter, 'limit'>, string, string, number]>([
    ['status failed', { status: 'failed' }, `status = 'failed'`, 'Index Scan executions_status_id', 40_000],
    ['schedule 7 failed', { scheduleId: 7, status: 'failed' }, `schedule_id = 7 AND status = 'failed'`, 'Index Scan executions_schedule_status_id', 150_000],
    ['kind ad-hoc', { kind: 'ad-hoc' }, `trigger = 'manual' AND NOT params ? 'schedule'`, 'Index Scan executions_kind_id', 40_000],
    ['June 2024', JUNE, JUNE_SQL, 'Index Scan executions_pkey', 220_000],
    ['June 2024 failed', { ...JUNE, status: 'failed' }, `${JUNE_SQL} AND status = 'failed'`, 'Index Scan executions_status_id', 220_000],
    ['failed, schedule 7, scheduled, March-May 2024', { ...SPRING, status: 'failed', scheduleId: 7, kind: 'scheduled' }, `${SPRING_SQL} AND status = 'failed' AND schedule_id = 7 AND trigger = 'scheduled'`, 'Index Scan executions_schedule_status_id', 150_000],
    ['operator, failed', { status: 'failed', visibility: OPERATOR }, `${VISIBLE_SQL} AND status = 'failed'`, 'Index Scan executions_status_id', 100_000],
    ['operator, June 2024', { ...JUNE, visibility: OPERATOR }, `${VISIBLE_SQL} AND ${JUNE_SQL}`, 'Index Scan executions_pkey', 220_000],
  ])('%s: first page and a deep page are one index scan that stops after the page, no sort, the exact rows', async (_label, filter, sql, index, deep) => {
    const first = await listing(filter);
    expect(first).toMatchObject({ scans: [index], sorted: false });
    expect(first.read).toBeLessThan(PAGE_READ_LIMIT);
    expect(first.ids).toEqual(await expected(sql));
    expect(first.ids.length).toBe(51);
    const page = await listing({ ...filter, before: deep });
    expect(page).toMatchObject({ scans: [index], sorted: false });
    expect(page.read).toBeLessThan(PAGE_READ_LIMIT);
    expect(page.ids).toEqual(await expected(sql, deep));
    expect(page.ids.length).toBe(51);
    expect(page.ids[0]).toBeLessThan(deep);
  });

  test('a date range reads its id bounds from executions_created_id alone (index-only)', async () => {
    const { bounds } = await listing(JUNE);
    expect(bounds).toEqual(['Index Only Scan executions_created_id', 'Index Only Scan executions_created_id']);
  });

  test('a row whose id is out of creation order near the end of the range is still listed', async () => {
    // A row stamped before it got its id (a slow insert while other replicas inserted): its
    // created_at is inside June, two runs before June's last one, the rows around its id are July.
    // It is not the row created last before the range's end, so one row would not be a wide
    // enough window for the id bound.
    const { rows: [july] } = await db.query(`SELECT min(id) AS id FROM executions WHERE created_at >= '2024-06-30T22:00:00Z'`);
    const late = Number(july.id) + 3;
    const { rows: [{ created_at: stamped }] } = await db.query('SELECT created_at FROM executions WHERE id = $1', [late]);
    await db.query(`UPDATE executions SET created_at = (SELECT created_at FROM executions WHERE id = $2) - interval '100 seconds' WHERE id = $1`, [late, Number(july.id) - 1]);
    try {
      const page = await listing(JUNE);
      expect(page.ids[0]).toBe(late);
      expect(page.ids).toEqual(await expected(JUNE_SQL));
    } finally {
      await db.query('UPDATE executions SET created_at = $2 WHERE id = $1', [late, stamped]);
    }
  });

  test('the migration created the dashboard indexes', async () => {
    const { rows } = await db.query(`SELECT indexname, regexp_replace(indexdef, '\\s+', ' ', 'g') AS indexdef FROM pg_indexes WHERE indexname IN ('executions_schedule_status_id', 'executions_kind_id', 'executions_created_id') ORDER BY indexname`);
    expect(rows).toEqual([
      { indexname: 'executions_created_id', indexdef: 'CREATE INDEX executions_created_id ON public.executions USING btree (created_at, id)' },
      {
        indexname: 'executions_kind_id',
        indexdef: "CREATE INDEX executions_kind_id ON public.executions USING btree (( CASE WHEN (trigger = 'scheduled'::text) THEN 'scheduled'::text WHEN (jsonb_typeof((params -> 'schedule'::text)) = 'string'::text) THEN 'manual'::text ELSE 'ad-hoc'::text END), id DESC)",
      },
      { indexname: 'executions_schedule_status_id', indexdef: 'CREATE INDEX executions_schedule_status_id ON public.executions USING btree (schedule_id, status, id DESC)' },
    ]);
  });
});

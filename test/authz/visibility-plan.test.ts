// The visibility filter keeps the executions listing index-driven (CONTRACTS "Permissions"):
// with 300,000 executions over 100 source/script/destination triples, the SQL the repository
// really sends for a non-admin — first page and a page deep in the history — is planned as an
// index scan that stops after one page (no sequential scan, no sort of all visible rows).
// Plan shapes, not timings: migration 0004 (index + extended statistics) is what makes them so.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { migrateDatabase } from '../../services/api/src/bootstrap/control-plane.js';
import { createRepositories } from '../../services/api/src/adapters/db/repositories.js';
import type { Visibility } from '../../services/api/src/domain/permissions/visibility.js';
import { createTestDatabase } from '../support/postgres.js';

const TRIPLES = 100;
const ROWS = 300_000;

const SEED = `
INSERT INTO sources (name, host, port, database, user_name, charset, time_zone, secret_name)
  SELECT 'S' || i, 'fb', 3050, 'db', 'u', 'UTF8', 'UTC', 'etl-source-' || i FROM generate_series(1, ${TRIPLES}) i;
INSERT INTO scripts (name, source_id, sql) SELECT 'Q' || i, i, 'SELECT 1 FROM RDB$DATABASE' FROM generate_series(1, ${TRIPLES}) i;
INSERT INTO destinations (name, kind, schema_name, table_name, write_mode) SELECT 'D' || i, 'postgres', 'public', 't' || i, 'append' FROM generate_series(1, ${TRIPLES}) i;
INSERT INTO executions (source_id, script_id, destination_id, trigger, triggered_by, status, params)
  SELECT 1 + g % ${TRIPLES}, 1 + g % ${TRIPLES}, 1 + g % ${TRIPLES}, 'manual', 'x@example.com', 'succeeded', '{}' FROM generate_series(1, ${ROWS}) g;
`;

let databaseUrl: string;
let sequelize: Sequelize;
let db: pg.Client;
const statements: string[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase('authz_visibility_plan');
  await migrateDatabase(databaseUrl);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(SEED);
  await db.query('VACUUM ANALYZE executions'); // statistics as autovacuum would leave them
  sequelize = new Sequelize(databaseUrl, { dialect: 'postgres', logging: (sql: string) => statements.push(sql.replace(/^Executing \(\w+\): /, '')) });
}, 120_000);

afterAll(async () => {
  await sequelize?.close();
  await db?.end();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const grants = (n: number): Visibility => ({ sourceIds: range(n), scriptIds: range(n), destinationIds: range(n) });

/** The listing SQL of the repository for this page, and its plan's scan nodes. */
async function plan(visibility: Visibility, before?: number): Promise<{ scans: string[]; sorted: boolean; ids: number[] }> {
  statements.length = 0;
  const page = await createRepositories(sequelize).executions.list({ limit: 50, visibility, ...(before ? { before } : {}) });
  const sql = statements.find((s) => /FROM "executions"/.test(s))!;
  const [{ 'QUERY PLAN': [root] }] = (await db.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode) => { nodes.push(n); (n.Plans ?? []).forEach(walk); };
  walk(root.Plan);
  return {
    scans: nodes.filter((n) => /Scan/.test(n['Node Type'])).map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`),
    sorted: nodes.some((n) => n['Node Type'] === 'Sort'),
    ids: page.map((e) => e.id),
  };
}
interface PlanNode { 'Node Type': string; 'Index Name'?: string; Plans?: PlanNode[] }

describe('executions listing for a non-admin', () => {
  test.each([
    ['one triple (1 % of the rows)', 1, 'Index Scan executions_catalog_refs_id'],
    ['ten triples (10 %)', 10, 'Index Scan executions_pkey'],
  ])('%s: first page and a deep page are index scans, no sort', async (_label, n, index) => {
    const first = await plan(grants(n));
    expect(first).toMatchObject({ scans: [index], sorted: false });
    expect(first.ids.length).toBe(50);
    expect(first.ids.every((id) => id % TRIPLES < n)).toBe(true); // only visible triples (triple = 1 + id % TRIPLES here)
    const deep = await plan(grants(n), first.ids[0]! - 200_000); // two thirds of the history deeper
    expect(deep).toMatchObject({ scans: [index], sorted: false });
    expect(deep.ids.length).toBe(50);
  });

  test('the migration created the index and the extended statistics the planner needs', async () => {
    const stats = await db.query("SELECT stxname FROM pg_statistic_ext WHERE stxname = 'executions_catalog_refs'");
    const index = await db.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'executions_catalog_refs_id'");
    expect(stats.rows).toEqual([{ stxname: 'executions_catalog_refs' }]);
    expect(index.rows[0].indexdef).toBe('CREATE INDEX executions_catalog_refs_id ON public.executions USING btree (source_id, script_id, destination_id, id DESC)');
  });
});

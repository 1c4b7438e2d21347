import { test, expect } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase } from '../support/postgres.js';

test('the suite has a PostgreSQL 15 it can create databases in', async () => {
  const url = await createTestDatabase('smoke');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
  await client.end();
  expect(rows[0]!.v).toMatch(/^15\./);
});

// One fresh database per caller inside the suite's throwaway cluster (see global-setup.ts).
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export function adminUrl(): string {
  const url = process.env.ETL_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('ETL_TEST_PG_ADMIN_URL is not set: run the tests through `npm run jest` (jest globalSetup starts PostgreSQL)');
  return url;
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

// BigQuery through nock: a real @google-cloud/bigquery client with a static token, and helpers to
// read what the client uploads. Shared by the BigQuery destination tests.
import { BigQuery } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';

export const API = 'https://bigquery.googleapis.com';
export const PROJECT_PATH = '/bigquery/v2/projects/p1';
export const TABLES_PATH = `${PROJECT_PATH}/datasets/ds/tables`;
/** Destination tuning for tests: no waiting between polls and retries. */
export const fast = { pollMs: 1, backoffMs: 1, sleep: async () => undefined };

export function client(): BigQuery {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3600_000 });
  return new BigQuery({ projectId: 'p1', authClient, autoRetry: false });
}

/** The NDJSON rows of a multipart load upload (the other part is the job's JSON metadata). */
export function uploadedRows(body: string): string[] {
  return body.split(/\r?\n/).filter((line) => line.startsWith('{') && !line.startsWith('{"configuration"'));
}

/** Staging table id of a run ("<table>__etl_<run id>"). */
export function stagingTable(table: string, runId = 'exec-test'): string {
  return `${table}__etl_${runId}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * PostgreSQL destination: everything happens in ONE transaction on one connection, so a failed or
 * stopped run (rollback, or the connection dropping) leaves the destination as it was.
 *
 * - truncate: COPY into a new staging table, then drop the old table and rename the staging table
 *   in the same transaction (readers keep seeing the old rows until the commit).
 * - append: COPY straight into the table (created if missing).
 * - merge (also incremental with key columns): COPY into a temporary staging table, then one
 *   DELETE of the matching keys + INSERT.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import type { PostgresDestinationSpec, WriteMode } from '../../../contract/src/job-spec.js';
import type { Column, Row } from '../columns.js';
import { ExtractionError } from '../errors.js';
import { csvLine } from './csv.js';
import { type CommitResult, type Destination, rowCountMismatch } from './destination.js';
import { columnDescription, postgresType, quoteIdent, quoteLiteral } from './postgres-schema.js';

interface PgError {
  code?: string;
  message?: string;
}

export class PostgresDestination implements Destination {
  readonly description: string;
  private client?: pg.Client;
  private copy?: Writable & { rowCount?: number };
  private copyDone?: Promise<void>;
  private columns: readonly Column[] = [];
  private loadTable = '';
  private inTransaction = false;

  constructor(
    private readonly spec: PostgresDestinationSpec,
    private readonly url: string,
    /** Merge keys (destination column names); set for merge and keyed incremental loads. */
    private readonly keyColumns: readonly string[],
    private readonly mode: WriteMode,
  ) {
    this.description = `postgres ${spec.schema}.${spec.table}`;
  }

  private get target(): string {
    return `${quoteIdent(this.spec.schema)}.${quoteIdent(this.spec.table)}`;
  }

  async readWatermark(column: Column): Promise<string | null> {
    const client = await this.connect();
    if (!(await this.tableExists(client))) return null;
    const result = await this.run(client, `SELECT max(${quoteIdent(column.name)})::text AS watermark FROM ${this.target}`);
    return (result.rows[0] as { watermark: string | null }).watermark;
  }

  async begin(columns: readonly Column[]): Promise<void> {
    this.columns = columns;
    const client = await this.connect();
    await this.run(client, 'BEGIN');
    this.inTransaction = true;
    const exists = await this.tableExists(client);
    const merging = this.keyColumns.length > 0 && (this.mode === 'merge' || this.mode === 'incremental');
    if (this.mode === 'truncate') {
      this.loadTable = `${quoteIdent(this.spec.schema)}.${quoteIdent(`${this.spec.table}__etl_load`)}`;
      await this.run(client, `DROP TABLE IF EXISTS ${this.loadTable}`);
      await this.createTable(client, this.loadTable);
    } else {
      if (!exists) await this.createTable(client, this.target);
      else await this.checkSchema(client);
      if (merging) {
        this.loadTable = quoteIdent(`etl_staging_${process.pid}`);
        await this.run(client, `CREATE TEMP TABLE ${this.loadTable} (LIKE ${this.target}) ON COMMIT DROP`);
      } else {
        this.loadTable = this.target;
      }
    }
    const columnList = columns.map((c) => quoteIdent(c.name)).join(', ');
    const copy = client.query(copyFrom(`COPY ${this.loadTable} (${columnList}) FROM STDIN WITH (FORMAT csv)`));
    this.copy = copy;
    this.copyDone = new Promise<void>((resolve, reject) => {
      copy.on('finish', () => resolve());
      copy.on('error', (err: unknown) => reject(err));
    });
    this.copyDone.catch(() => undefined);
  }

  async write(rows: readonly Row[]): Promise<void> {
    const copy = this.copy;
    if (!copy) throw new Error('begin() must run before write()');
    let chunk = '';
    for (const row of rows) chunk += csvLine(row);
    if (!copy.write(chunk)) {
      await Promise.race([new Promise<void>((resolve) => copy.once('drain', resolve)), this.copyDone!.then(() => undefined)]);
    }
  }

  async commit(expectedRows: number): Promise<CommitResult> {
    const client = this.client!;
    const copy = this.copy!;
    copy.end();
    try {
      await this.copyDone;
    } catch (err) {
      throw this.classify(err);
    }
    const copied = Number(copy.rowCount ?? 0);
    if (copied !== expectedRows) throw new ExtractionError('data', rowCountMismatch(expectedRows, copied));
    if (this.mode === 'truncate') {
      await this.run(client, `DROP TABLE IF EXISTS ${this.target}`);
      await this.run(client, `ALTER TABLE ${this.loadTable} RENAME TO ${quoteIdent(this.spec.table)}`);
    } else if (this.loadTable !== this.target) {
      await this.mergeStaging(client);
    }
    await this.run(client, 'COMMIT');
    this.inTransaction = false;
    this.client = undefined;
    await client.end().catch(() => undefined);
    return { rowsWritten: copied, jobId: `postgres ${this.mode} transaction` };
  }

  async abort(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    try {
      this.copy?.destroy();
      if (this.inTransaction) await client.query('ROLLBACK');
    } catch {
      // the connection may already be gone; closing it rolls back anyway
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async mergeStaging(client: pg.Client): Promise<void> {
    const keys = this.keyColumns.map(quoteIdent);
    const duplicates = await this.run(client, `SELECT count(*) - count(DISTINCT (${keys.join(', ')})) AS n FROM ${this.loadTable}`);
    const n = Number((duplicates.rows[0] as { n: string }).n);
    if (n > 0) throw new ExtractionError('data', `the script returned ${n} rows with a repeated key (${this.keyColumns.join(', ')}); merge needs unique keys`);
    const match = keys.map((k) => `t.${k} IS NOT DISTINCT FROM s.${k}`).join(' AND ');
    await this.run(client, `DELETE FROM ${this.target} t USING ${this.loadTable} s WHERE ${match}`);
    const columnList = this.columns.map((c) => quoteIdent(c.name)).join(', ');
    await this.run(client, `INSERT INTO ${this.target} (${columnList}) SELECT ${columnList} FROM ${this.loadTable}`);
  }

  private async createTable(client: pg.Client, table: string): Promise<void> {
    const definitions = this.columns.map((c) => `${quoteIdent(c.name)} ${postgresType(c)}`).join(', ');
    await this.run(client, `CREATE TABLE ${table} (${definitions})`);
    for (const column of this.columns) {
      await this.run(client, `COMMENT ON COLUMN ${table}.${quoteIdent(column.name)} IS ${quoteLiteral(columnDescription(column))}`);
    }
  }

  private async checkSchema(client: pg.Client): Promise<void> {
    const result = await this.run(client, 'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [this.spec.schema, this.spec.table]);
    const existing = new Set(result.rows.map((r: { column_name: string }) => r.column_name));
    const missing = this.columns.filter((c) => !existing.has(c.name));
    if (missing.length > 0) {
      throw new ExtractionError(
        'schema-conflict',
        `destination ${this.spec.schema}.${this.spec.table} has no column ${missing.map((c) => `${c.name} (Firebird ${c.sourceName})`).join(', ')}`,
        'add the columns to the destination table, or load once in truncate mode to recreate it',
      );
    }
  }

  private async tableExists(client: pg.Client): Promise<boolean> {
    const result = await this.run(client, 'SELECT to_regclass($1) IS NOT NULL AS present', [this.target]);
    return (result.rows[0] as { present: boolean }).present;
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => undefined); // surfaced through the pending query
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw this.classify(err);
    }
    this.client = client;
    return client;
  }

  private async run(client: pg.Client, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await client.query(sql, params);
    } catch (err) {
      throw this.classify(err);
    }
  }

  private classify(err: unknown): ExtractionError {
    if (err instanceof ExtractionError) return err;
    const e = (err ?? {}) as PgError & { errno?: string };
    const text = `${this.description}: ${e.message ?? String(err)}`;
    if (e.code === '28P01' || e.code === '28000') return new ExtractionError('auth', `${text} (check the user and password in the destination's connection URL)`, undefined, { cause: err });
    if (e.code === '42501') return new ExtractionError('destination-refused', `permission denied at ${text}`, 'grant the load user CREATE/INSERT on the schema', { cause: err });
    if (e.code === '42703' || e.code === '42804' || e.code === '42P07') return new ExtractionError('schema-conflict', text, undefined, { cause: err });
    if (e.code?.startsWith('22')) return new ExtractionError('destination-refused', `the destination refused a value: ${text}`, undefined, { cause: err });
    if (e.code === '3D000') return new ExtractionError('config', text, "check the database name in the destination's connection URL", { cause: err });
    // Network and TLS set-up failures are settings to fix, not passing trouble worth a retry.
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'EAI_AGAIN') {
      return new ExtractionError('unreachable', text, "check the host and port in the destination's connection URL", { cause: err });
    }
    if (/does not support SSL connections|SSL is not enabled|self[- ]signed certificate|certificate/i.test(e.message ?? '')) {
      return new ExtractionError('config', text, "check the sslmode in the destination's connection URL", { cause: err });
    }
    return new ExtractionError('destination-transient', text, undefined, { cause: err });
  }
}

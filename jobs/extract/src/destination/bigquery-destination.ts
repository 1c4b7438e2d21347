/**
 * BigQuery destination through load jobs (never streaming inserts).
 *
 * Every mode first loads the run into a staging table `<table>__etl_<run>` (created with a one-day
 * expiry, so even a killed pod leaves nothing permanent), in NDJSON chunks of about 5 MB, one load
 * job per chunk, WRITE_APPEND. Nothing is visible in the destination table until commit, which is ONE atomic job:
 * - truncate: copy job staging -> table, WRITE_TRUNCATE (creates the table if missing)
 * - append / incremental without keys: copy job, WRITE_APPEND
 * - merge / incremental with keys: one MERGE query on the key columns
 * then the staging table is dropped. A failed or stopped run cancels its running job and drops
 * the staging table: the destination keeps its previous content, and a rerun adds no duplicates.
 *
 * Why chunks and not one streamed upload: a chunk in memory can be retried on a transient error
 * (one streamed upload would have to re-read Firebird), 413 "too large" can be answered by
 * splitting, and the line offsets of a chunk let us name the row BigQuery rejects (ndjson-chunk.ts). ~5 MB keeps memory flat
 * and a 1M-row run at ~30 load jobs, far from the 1,500 load jobs per table per day (each run
 * loads its own staging table). Reading goes on while up to four chunks load (their jobs append to
 * the same staging table concurrently), so BigQuery's seconds per load job do not stall the read.
 */
import type { BigQuery, Dataset, Job, Table } from '@google-cloud/bigquery';
import type { BigQueryDestinationSpec, WriteMode } from '../../../contract/src/job-spec.js';
import type { CellValue, Column, Row } from '../columns.js';
import { ExtractionError, StopRequested } from '../errors.js';
import type { RunLogger } from '../logger.js';
import { bigQuerySchema, type BigQueryField } from './bigquery-schema.js';
import { NdjsonRowEncoder } from './ndjson-encoder.js';
import { classifyApiError, isTooLarge, isTransient, loadJobError, type BigQueryErrorProto } from './bigquery-errors.js';
import { type CommitResult, type Destination, rowCountMismatch } from './destination.js';
import { type Chunk, ChunkBuilder, chunkLine, lineAt, sliceChunk } from './ndjson-chunk.js';

export interface BigQueryDestinationOptions {
  /** Target size of one load job's NDJSON payload. */
  chunkBytes?: number;
  /** Load jobs running at the same time while reading goes on (each holds one chunk in memory). */
  parallelLoads?: number;
  attempts?: number;
  backoffMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Identifies the run in staging table and job ids (execution id or run name). */
  runId: string;
  log: RunLogger;
  signal: AbortSignal;
}

interface JobMetadata {
  status?: { state?: string; errorResult?: BigQueryErrorProto; errors?: BigQueryErrorProto[] };
  statistics?: { load?: { outputRows?: string }; query?: { numDmlAffectedRows?: string } };
}

export const DEFAULT_CHUNK_BYTES = 5 * 1024 * 1024;
/** 4 x ~5 MB in flight: BigQuery's seconds per load job overlap each other and the read. */
export const DEFAULT_PARALLEL_LOADS = 4;
const STAGING_TTL_MS = 24 * 3600 * 1000;
const LEGACY_TYPE_NAMES: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', BIGDECIMAL: 'BIGNUMERIC' };

export class BigQueryDestination implements Destination {
  readonly description: string;
  private readonly dataset: Dataset;
  private readonly target: Table;
  private readonly staging: Table;
  private readonly stagingId: string;
  private schema: BigQueryField[] = [];
  private columns: readonly Column[] = [];
  private encoder = new NdjsonRowEncoder([]);
  /** The chunk being filled; buffers of finished loads are reused. */
  private pending: ChunkBuilder;
  private readonly freeBuilders: ChunkBuilder[] = [];
  /** Loads running (upload + load job), oldest first, with the buffer each one uses. */
  private readonly inFlight: Array<{ load: Promise<void>; builder: ChunkBuilder }> = [];
  private readonly parallelLoads: number;
  private rowsLoaded = 0;
  private chunksLoaded = 0;
  private jobCounter = 0;
  private readonly activeJobs = new Set<Job>();
  private readonly chunkBytes: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly spec: BigQueryDestinationSpec,
    client: BigQuery,
    private readonly keyColumns: readonly string[],
    private readonly mode: WriteMode,
    private readonly describeKey: (row: Row) => string,
    private readonly options: BigQueryDestinationOptions,
  ) {
    this.description = `bigquery ${spec.projectId}.${spec.dataset}.${spec.table}`;
    this.dataset = client.dataset(spec.dataset, spec.location ? { location: spec.location } : {});
    this.target = this.dataset.table(spec.table);
    this.stagingId = `${spec.table}__etl_${options.runId.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 1024);
    this.staging = this.dataset.table(this.stagingId);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.parallelLoads = Math.max(1, options.parallelLoads ?? DEFAULT_PARALLEL_LOADS);
    this.pending = this.newBuilder();
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.pollMs = options.pollMs ?? 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private get qualifiedTarget(): string {
    return `\`${this.spec.projectId}.${this.spec.dataset}.${this.spec.table}\``;
  }

  async readWatermark(column: Column): Promise<string | null> {
    if (!(await this.targetFields())) return null;
    const job = await this.startJob('read watermark', () =>
      this.dataset.bigQuery.createQueryJob({
        query: `SELECT CAST(MAX(\`${column.name}\`) AS STRING) AS watermark FROM ${this.qualifiedTarget}`,
        location: this.spec.location,
        jobId: this.nextJobId('watermark'),
      }),
    );
    await this.waitForJob(job, 'read watermark');
    const [rows] = await job.getQueryResults();
    return ((rows as Array<{ watermark: string | null }>)[0]?.watermark ?? null) || null;
  }

  async begin(columns: readonly Column[]): Promise<void> {
    this.columns = columns;
    this.encoder = new NdjsonRowEncoder(columns);
    this.schema = bigQuerySchema(columns);
    const existing = await this.targetFields();
    if (existing && this.mode !== 'truncate') this.checkSchema(existing);
    // A rerun with the same run id starts from an empty staging table (created with an expiry).
    await this.dropStaging();
    await this.createStaging();
  }

  async write(rows: readonly Row[]): Promise<void> {
    for (const row of rows) {
      this.pending.appendRow(this.encoder, row);
      if (this.pending.bytes >= this.chunkBytes) await this.flush();
    }
  }

  async commit(expectedRows: number): Promise<CommitResult> {
    await this.flush();
    while (this.inFlight.length > 0) await this.settleOldestLoad();
    if (this.rowsLoaded !== expectedRows) throw new ExtractionError('data', rowCountMismatch(expectedRows, this.rowsLoaded));
    let job: Job;
    if (this.keyColumns.length > 0) {
      if (!(await this.targetFields())) await this.createTarget();
      job = await this.startJob('merge', () => this.dataset.bigQuery.createQueryJob({ query: this.mergeStatement(), location: this.spec.location, jobId: this.nextJobId('merge') }));
    } else {
      const writeDisposition = this.mode === 'truncate' ? 'WRITE_TRUNCATE' : 'WRITE_APPEND';
      job = await this.startJob('copy', () =>
        this.staging.createCopyJob(this.target, { writeDisposition, createDisposition: 'CREATE_IF_NEEDED', jobId: this.nextJobId('commit') }),
      );
    }
    await this.waitForJob(job, 'commit');
    await this.dropStaging();
    return { rowsWritten: this.rowsLoaded, jobId: job.id };
  }

  async abort(): Promise<void> {
    const jobs = [...this.activeJobs];
    this.activeJobs.clear();
    await Promise.all(jobs.map((job) => job.cancel().catch(() => undefined)));
    await this.dropStaging();
  }

  /** One MERGE: rows with a matching key are updated, others inserted. */
  mergeStatement(): string {
    const q = (name: string) => `\`${name}\``;
    const on = this.keyColumns.map((k) => `T.${q(k)} = S.${q(k)}`).join(' AND ');
    const nonKeys = this.schema.map((f) => f.name).filter((n) => !this.keyColumns.includes(n));
    const all = this.schema.map((f) => q(f.name));
    const update = nonKeys.length > 0 ? `WHEN MATCHED THEN UPDATE SET ${nonKeys.map((n) => `${q(n)} = S.${q(n)}`).join(', ')} ` : '';
    return `MERGE ${this.qualifiedTarget} T USING \`${this.spec.projectId}.${this.spec.dataset}.${this.stagingId}\` S ON ${on} ${update}WHEN NOT MATCHED THEN INSERT (${all.join(', ')}) VALUES (${all.map((c) => `S.${c}`).join(', ')})`;
  }

  private async flush(): Promise<void> {
    if (this.pending.rows === 0) return;
    // Reading goes on while chunks upload and their load jobs run (seconds each on BigQuery), with
    // at most `parallelLoads` loads at a time; a buffer is filled again only after its load finished.
    if (this.inFlight.length >= this.parallelLoads) await this.settleOldestLoad();
    const builder = this.pending;
    const load = this.loadChunk(builder.take());
    load.catch(() => undefined); // surfaced when settled (next flushes or commit)
    this.inFlight.push({ load, builder });
    this.pending = this.freeBuilders.pop() ?? this.newBuilder();
  }

  private async settleOldestLoad(): Promise<void> {
    const oldest = this.inFlight.shift()!;
    await oldest.load;
    this.freeBuilders.push(oldest.builder);
  }

  private newBuilder(): ChunkBuilder {
    return new ChunkBuilder(this.chunkBytes + 64 * 1024);
  }

  /** Loads one chunk with retries; a chunk BigQuery finds too large is split in halves. */
  private async loadChunk(chunk: Chunk, attempt = 1): Promise<void> {
    try {
      const job = await this.startJob('load', () => this.uploadChunk(chunk));
      const metadata = await this.waitForJob(job, 'load', chunk);
      this.rowsLoaded += Number(metadata.statistics?.load?.outputRows ?? chunk.ends.length);
      this.chunksLoaded++;
      this.options.log.info(`loaded ${this.rowsLoaded} rows into staging table ${this.stagingId}`, { progress: { rowsLoaded: this.rowsLoaded, loadJobs: this.chunksLoaded } });
    } catch (err) {
      if (err instanceof TransientJobFailure) {
        // A failed load job wrote nothing to the staging table, so loading the chunk again adds no duplicates.
        if (attempt >= this.attempts || this.options.signal.aborted) throw classifyApiError(err.error, 'load');
        const delay = this.backoffMs * 2 ** (attempt - 1);
        this.options.log.warn(`BigQuery load job failed (${err.error.message}); retry ${attempt} of ${this.attempts - 1} in ${delay} ms`);
        await this.sleep(delay);
        return this.loadChunk(chunk, attempt + 1);
      }
      if (!isTooLarge(err) && !isTooLarge((err as { cause?: unknown }).cause)) throw err;
      const rows = chunk.ends.length;
      if (rows === 1) throw new ExtractionError('destination-refused', `row index ${chunk.firstRowIndex} (${this.keyOfLine(chunkLine(chunk, 0))}) is too large for one BigQuery load request`);
      const half = Math.ceil(rows / 2);
      this.options.log.warn(`BigQuery answered "too large" for ${rows} rows; splitting the chunk`);
      await this.loadChunk(sliceChunk(chunk, 0, half));
      await this.loadChunk(sliceChunk(chunk, half, rows));
    }
  }

  private uploadChunk(chunk: Chunk): Promise<Job> {
    return new Promise<Job>((resolve, reject) => {
      // createWriteStream_ (typed, unlike the wrapper) does not poll the job itself; waitForJob does.
      const stream = this.staging.createWriteStream_({
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        schema: { fields: this.schema },
        writeDisposition: 'WRITE_APPEND',
        createDisposition: 'CREATE_NEVER',
        maxBadRecords: 0,
        jobId: this.nextJobId('load'),
      } as Parameters<Table['createWriteStream_']>[0]);
      stream.on('error', reject);
      stream.on('job', (job: Job) => resolve(job));
      stream.end(chunk.data);
    });
  }

  /** Starts a job, retrying transient errors with exponential backoff. */
  private async startJob(what: string, start: () => Promise<Job | [Job, ...unknown[]]>): Promise<Job> {
    for (let attempt = 1; ; attempt++) {
      try {
        const started = await start();
        const job = Array.isArray(started) ? started[0] : started;
        this.activeJobs.add(job);
        return job;
      } catch (err) {
        if (isTooLarge(err)) throw err;
        if (!isTransient(err) || attempt >= this.attempts || this.options.signal.aborted) throw classifyApiError(err, what);
        const delay = this.backoffMs * 2 ** (attempt - 1);
        this.options.log.warn(`BigQuery ${what} failed (${(err as Error).message}); retry ${attempt} of ${this.attempts - 1} in ${delay} ms`);
        await this.sleep(delay);
      }
    }
  }

  /** Polls a job until DONE; a failed load job is mapped to the row BigQuery names. */
  private async waitForJob(job: Job, what: string, chunk?: Chunk): Promise<JobMetadata> {
    for (;;) {
      // Stopping (SIGTERM): leave the poll; abort() cancels the job and drops the staging table.
      if (this.options.signal.aborted) throw new StopRequested();
      let metadata: JobMetadata;
      try {
        [metadata] = (await job.getMetadata()) as unknown as [JobMetadata];
      } catch (err) {
        if (!isTransient(err)) throw classifyApiError(err, what);
        await this.sleep(this.backoffMs);
        continue;
      }
      if (metadata.status?.state === 'DONE') {
        this.activeJobs.delete(job);
        const errorResult = metadata.status.errorResult;
        if (errorResult) {
          const error = { message: errorResult.message, errors: metadata.status.errors ?? [errorResult] };
          if (chunk && isTransient(error)) throw new TransientJobFailure(error);
          if (chunk) throw loadJobError(metadata.status.errors ?? [], errorResult, (position) => this.locateRow(chunk, position), this.stagingId);
          throw classifyApiError(error, what);
        }
        return metadata;
      }
      await this.sleep(this.pollMs);
    }
  }

  private async targetFields(): Promise<BigQueryField[] | null> {
    try {
      const [metadata] = (await this.target.getMetadata()) as unknown as [{ schema?: { fields?: BigQueryField[] } }];
      return metadata.schema?.fields ?? [];
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw classifyApiError(err, `reading table ${this.spec.table}`);
    }
  }

  private checkSchema(existing: readonly BigQueryField[]): void {
    const byName = new Map(existing.map((f) => [f.name.toLowerCase(), LEGACY_TYPE_NAMES[f.type] ?? f.type]));
    const problems = this.schema.flatMap((f) => {
      const type = byName.get(f.name.toLowerCase());
      if (type === undefined) return [`column ${f.name} is missing`];
      return type === f.type ? [] : [`column ${f.name} is ${type}, the script gives ${f.type}`];
    });
    if (problems.length > 0) {
      throw new ExtractionError('schema-conflict', `destination ${this.description} does not fit the script: ${problems.join('; ')}`, 'change the destination table, or load once in truncate mode to recreate it');
    }
  }

  private async createStaging(): Promise<void> {
    try {
      await this.dataset.createTable(this.stagingId, { schema: { fields: this.schema }, expirationTime: String(Date.now() + STAGING_TTL_MS) });
    } catch (err) {
      throw classifyApiError(err, 'creating the staging table');
    }
  }

  private async createTarget(): Promise<void> {
    try {
      await this.dataset.createTable(this.spec.table, { schema: { fields: this.schema } });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw classifyApiError(err, `creating table ${this.spec.table}`);
    }
  }

  private async dropStaging(): Promise<void> {
    await this.staging.delete().catch(() => undefined);
  }

  /**
   * The row at a byte position of a chunk's upload, named by its source key. Keys are recovered
   * from the NDJSON line only when BigQuery refuses a row, instead of being kept for every row.
   */
  private locateRow(chunk: Chunk, position: number): { rowIndex: number; key: string } | undefined {
    const i = lineAt(chunk, position);
    return i < 0 ? undefined : { rowIndex: chunk.firstRowIndex + i, key: this.keyOfLine(chunkLine(chunk, i)) };
  }

  private keyOfLine(line: string): string {
    const record = JSON.parse(line) as Record<string, CellValue>;
    return this.describeKey(this.columns.map((c) => record[c.name] ?? null));
  }

  private nextJobId(step: string): string {
    return `etl_${this.options.runId.replace(/[^A-Za-z0-9_-]/g, '_')}_${step}_${++this.jobCounter}`;
  }
}

/** A job that ended with a transient error (backendError, internalError, rateLimitExceeded). */
class TransientJobFailure extends Error {
  constructor(readonly error: { message?: string; errors: BigQueryErrorProto[] }) {
    super(error.message);
  }
}

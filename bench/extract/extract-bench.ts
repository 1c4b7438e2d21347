// Extractor benchmark (issue 3 "Performance", and the memory side of case C08). One command:
//   npm run bench:extract [-- --rows 1000000] [--big 5000000] [--c08 3000000] [--job-ms 1000]
// Measured in the same run, each reader in its own process (peak RSS and CPU of that process):
//   (a)  isql-fb fetching every row to /dev/null (fbclient, wire encrypted like the extractor default)
//   (b)  the extractor loading BigQuery: the real BigQueryDestination and client library uploading
//        its NDJSON load payload (~5 MB load jobs) to a local fake BigQuery endpoint (fake-bigquery.ts)
//   (b') the same with the wire unencrypted (source wireCrypt "disabled", allowed by WireCrypt = Enabled)
//   (c)  the extractor loading the Postgres destination (throwaway PostgreSQL 15 cluster, COPY)
// --job-ms N  the fake BigQuery keeps each load job RUNNING for N ms (BigQuery takes seconds per job).
// --only-b  measures only (a) and (b) (quick iterations; with --big also (b) at N rows).
// --parallel-loads N / --chunk-mib N  override the BigQuery destination's load jobs in flight and
//          chunk size (default: DEFAULT_PARALLEL_LOADS, DEFAULT_CHUNK_BYTES), for tuning them.
// --fetch-size N  rows per op_fetch (default DEFAULT_FETCH_SIZE); --no-gate  without the fetch gate
//          (source/fetch-gate.ts), i.e. node-firebird's own reassembly and decoding; --no-decoder  with
//          the gate but node-firebird's decoding instead of ours (source/row-decoder.ts).
// --node-args "FLAGS"  Node/V8 flags for the (b) children (heap sizing experiments).
// --cpu-prof DIR  runs the (b) child with `node --cpu-prof --cpu-prof-dir DIR` (summarise with
//          `node dist/bench/extract/cpu-profile-summary.js DIR/<file>.cpuprofile`).
// --big N  repeats (b) on an N-row table of the same shape: peak RSS must stay within 10 %.
// --c08 N  C08: N rows of ~1 KB (BIGINT id + VARCHAR(1000)) through (b) with a 512 MiB heap limit;
//          peak RSS must stay under 400 MiB.
// Tables are created once (etl_test_bench_<N>.fdb, etl_test_c08_<N>.fdb) and reused while their row count matches.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import Firebird from 'node-firebird';
import type { JobSpec } from '../../jobs/contract/src/job-spec.js';
import { runExtraction } from '../../jobs/extract/src/run-extraction.js';
import { bigQueryDestination, createDestinationFactory } from '../../jobs/extract/src/destination/factory.js';
import { sourceTuning } from '../../jobs/extract/src/source/firebird-source.js';
import { c08TableSql, createFixtureDatabase } from '../../test/extract/support/firebird-fixtures.js';
import { firebird } from '../../test/support/firebird.js';
import { startFakeBigQuery, type FakeBigQuery } from './fake-bigquery.js';
import { EXTRACTOR_NODE_FLAGS } from '../../jobs/contract/src/runtime-flags.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const DATA_DIR = process.env.FIREBIRD_DATA_DIR ?? '/var/lib/firebird/3.0/data';
const BENCH_SELECT = 'select ID, VAL, TXT, TS from BIG';
const C08_SELECT = 'select ID, TXT from BIGT';
const C08_HEAP_MIB = 512;
const C08_RSS_LIMIT_MIB = 400;

type ChildMode = 'bigquery' | 'bigquery-plain' | 'postgres';

interface ChildResult {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssKiB: number;
  /** Largest values of process.memoryUsage() sampled every 100 ms (MiB): where the peak RSS comes from. */
  peaks: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
}

interface Measurement {
  reader: string;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  rowsPerSecond: number;
  peakRssMiB: number;
  peaks?: ChildResult['peaks'];
}

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

async function countRows(database: string, table: string): Promise<number> {
  try {
    const db = await Firebird.attachAsync({ host: firebird.host, port: firebird.port, database, user: firebird.user, password: firebird.password });
    try {
      const rows = await db.queryAsync<{ N: number }>(`select count(*) as N from ${table}`);
      return Number(rows[0]!.N);
    } finally {
      await db.detachAsync();
    }
  } catch {
    return -1;
  }
}

/** Creates `etl_test_<name>.fdb` with `ddl` unless it already holds `rows` rows in `table`. */
async function ensureTable(name: string, table: string, rows: number, ddl: string): Promise<string> {
  const database = `${DATA_DIR}/etl_test_${name}.fdb`;
  if ((await countRows(database, table)) === rows) return database;
  process.stderr.write(`creating ${rows}-row table ${table} in ${database} (one-off)...\n`);
  createFixtureDatabase(name, 'UTF8', ddl);
  return database;
}

/** The table of issue 3: integer key, NUMERIC(15,2), VARCHAR(100) with accents, TIMESTAMP (~60-byte text). */
const benchTable = (rows: number) =>
  ensureTable(
    `bench_${rows}`,
    'BIG',
    rows,
    `create table BIG (ID integer not null primary key, VAL numeric(15,2), TXT varchar(100), TS timestamp);
set term ^;
execute block as declare i integer = 1; begin
  while (i <= ${rows}) do begin
    insert into BIG (ID, VAL, TXT, TS) values (:i, :i * 1.25 - 500000,
      'Linha ' || :i || ' - São João AÇÃO descrição de teste com acentuação',
      dateadd(mod(:i, 1000) millisecond to dateadd(:i second to timestamp '2020-01-01 00:00:00.000')));
    i = i + 1; end
end^
set term ;^`,
  );

const c08Table = (rows: number) => ensureTable(`c08_${rows}`, 'BIGT', rows, c08TableSql(rows));

function benchSpec(database: string, sql: string, mode: ChildMode): JobSpec {
  const destination: JobSpec['destination'] =
    mode === 'postgres' ? { kind: 'postgres', schema: 'public', table: 'big', writeMode: 'truncate' } : { kind: 'bigquery', projectId: 'bench', dataset: 'bench', table: 'big', writeMode: 'truncate' };
  return {
    version: 1,
    names: { source: 'bench', script: 'bench', destination: 'bench' },
    source: {
      host: firebird.host,
      port: firebird.port,
      database,
      user: firebird.user,
      charset: 'UTF8',
      timeZone: 'UTC',
      ...(mode === 'bigquery-plain' ? { wireCrypt: 'disabled' as const } : {}),
    },
    script: { name: 'bench', sql, keyColumns: [] },
    destination,
  };
}

/**
 * Node/V8 flags of the extractor children: the ones the product runs it with (image ENTRYPOINT,
 * local runtime), or --node-args "FLAGS" instead (heap sizing experiments; "" for V8's defaults).
 */
function childNodeArgs(): string[] {
  const given = stringArg('node-args');
  return given === undefined ? [...EXTRACTOR_NODE_FLAGS] : given.split(' ').filter(Boolean);
}

/** --parallel-loads / --chunk-mib, passed on to the (b) children. */
function destinationTuning(): { parallelLoads?: number; chunkBytes?: number } {
  const parallelLoads = arg('parallel-loads');
  const chunkMiB = arg('chunk-mib');
  return { ...(parallelLoads ? { parallelLoads } : {}), ...(chunkMiB ? { chunkBytes: Math.round(chunkMiB * 2 ** 20) } : {}) };
}

/** Child process: one extractor run, prints its measurement as JSON. */
async function child(mode: ChildMode, database: string, sql: string, target: string): Promise<void> {
  sourceTuning.fetchSize = arg('fetch-size') ?? sourceTuning.fetchSize;
  if (flag('no-gate')) sourceTuning.fetchGate = false;
  if (flag('no-decoder')) sourceTuning.rowDecoder = false;
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'bench', expiry_date: Date.now() + 3600_000 });
  const createDestination = createDestinationFactory({
    bigQuery: (request) => bigQueryDestination(request, new BigQuery({ projectId: 'bench', apiEndpoint: target, authClient, autoRetry: false }), { pollMs: 10, ...destinationTuning() }),
  });
  const peaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    for (const key of Object.keys(peaks) as Array<keyof typeof peaks>) peaks[key] = Math.max(peaks[key], usage[key] / 2 ** 20);
  }, 100);
  const started = process.hrtime.bigint();
  const summary = await runExtraction(
    benchSpec(database, sql, mode),
    { sourcePassword: firebird.password, ...(mode === 'postgres' ? { destinationPostgresUrl: target } : {}) },
    { runName: 'bench' },
    { out: () => undefined, createDestination },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (summary.status !== 'succeeded') throw new Error(`bench run failed: ${JSON.stringify(summary.error)}`);
  const usage = process.resourceUsage();
  const result: ChildResult = { rows: summary.rowsWritten, seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peakRssKiB: usage.maxRSS, peaks };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs a child asynchronously (the fake BigQuery endpoint in this process must keep answering). */
function runChild(reader: string, mode: ChildMode, database: string, sql: string, rows: number, target: string, nodeArgs: string[] = childNodeArgs()): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const tuning = [...['parallel-loads', 'chunk-mib', 'fetch-size'].flatMap((name) => (stringArg(name) ? [`--${name}`, stringArg(name)!] : [])), ...['no-gate', 'no-decoder'].filter(flag).map((name) => `--${name}`)];
    execFile(process.execPath, [...nodeArgs, import.meta.filename, '--child', mode, database, sql, target, ...tuning], { encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${reader}: ${stderr || err.message}`));
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
      if (result.rows !== rows) return reject(new Error(`${reader}: expected ${rows} rows, got ${result.rows}`));
      resolve({ reader, rows, seconds: result.seconds, cpuSeconds: result.cpuSeconds, rowsPerSecond: rows / result.seconds, peakRssMiB: result.peakRssKiB / 1024, peaks: result.peaks });
    });
  });
}

function runIsql(database: string, rows: number): Measurement {
  const dir = mkdtempSync(join(tmpdir(), 'etl-bench-'));
  const script = join(dir, 'select.sql');
  writeFileSync(script, `${BENCH_SELECT};\n`);
  const devNull = openSync('/dev/null', 'w');
  const result = spawnSync('/usr/bin/time', ['-f', 'ETLBENCH %e %U %S %M', 'isql-fb', '-q', '-ch', 'UTF8', '-i', script, `${firebird.host}/${firebird.port}:${database}`], {
    env: { ...process.env, ISC_USER: firebird.user, ISC_PASSWORD: firebird.password },
    stdio: ['ignore', devNull, 'pipe'],
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  const match = /ETLBENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  if (!match) throw new Error(`isql-fb: ${result.stderr}`);
  const seconds = Number(match[1]);
  return { reader: '(a) isql-fb -> /dev/null', rows, seconds, cpuSeconds: Number(match[2]) + Number(match[3]), rowsPerSecond: rows / seconds, peakRssMiB: Number(match[4]) / 1024 };
}

function startPostgres(): { url: string; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'etl-bench-pg-'));
  const out = spawnSync('bash', [join(repoRoot, 'scripts', 'pg-cluster.sh'), 'start', dir], { encoding: 'utf8' }).stdout;
  const url = /DATABASE_ADMIN_URL=(\S+)/.exec(out)![1]!;
  return {
    url,
    stop: () => {
      spawnSync('bash', [join(repoRoot, 'scripts', 'pg-cluster.sh'), 'stop', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function print(results: Measurement[]): void {
  const head = `${'reader'.padEnd(40)} ${'rows'.padStart(9)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(6)} ${'rows/s'.padStart(8)} ${'peak RSS MiB'.padStart(12)}`;
  process.stdout.write(`${head}\n`);
  for (const m of results) {
    process.stdout.write(
      `${m.reader.padEnd(40)} ${String(m.rows).padStart(9)} ${m.seconds.toFixed(2).padStart(7)} ${m.cpuSeconds.toFixed(2).padStart(6)} ${Math.round(m.rowsPerSecond).toString().padStart(8)} ${m.peakRssMiB.toFixed(1).padStart(12)}\n`,
    );
  }
  for (const m of results) {
    if (!m.peaks) continue;
    const p = m.peaks;
    process.stdout.write(`${m.reader}: largest heap total ${p.heapTotal.toFixed(1)}, heap used ${p.heapUsed.toFixed(1)}, external ${p.external.toFixed(1)} (array buffers ${p.arrayBuffers.toFixed(1)}) MiB\n`);
  }
}

async function withFakeBigQuery<T>(fn: (fake: FakeBigQuery) => Promise<T>): Promise<T> {
  const fake = await startFakeBigQuery(arg('job-ms') ?? 0);
  try {
    return await fn(fake);
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3] as ChildMode, process.argv[4]!, process.argv[5]!, process.argv[6]!);
  const rows = arg('rows') ?? 1_000_000;
  const big = arg('big');
  const c08 = arg('c08');
  const results: Measurement[] = [];
  const lines: string[] = [];
  const database = await benchTable(rows);
  const postgres = startPostgres();
  try {
    const isql = runIsql(database, rows);
    results.push(isql);
    const payload = await withFakeBigQuery(async (fake) => {
      const profileDir = stringArg('cpu-prof');
      const m = await runChild('(b) extractor -> BigQuery load jobs', 'bigquery', database, BENCH_SELECT, rows, fake.endpoint, [...childNodeArgs(), ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])]);
      lines.push(`(b) uploaded ${(fake.bytesUploaded() / 1e6).toFixed(1)} MB NDJSON in ${fake.loadJobs()} load jobs (largest ${(fake.largestUpload() / 1e6).toFixed(2)} MB), ${fake.rowsLoaded()} rows`);
      return m;
    });
    results.push(payload);
    const ratio = `ratio (b)/(a) = ${(payload.rowsPerSecond / isql.rowsPerSecond).toFixed(2)} (wall), ${(isql.cpuSeconds / payload.cpuSeconds).toFixed(2)} (CPU)`;
    if (flag('only-b')) {
      lines.push(ratio);
    } else {
      const plain = await withFakeBigQuery((fake) => runChild("(b') same, wire unencrypted", 'bigquery-plain', database, BENCH_SELECT, rows, fake.endpoint));
      results.push(plain);
      results.push(await runChild('(c) extractor -> postgres (COPY)', 'postgres', database, BENCH_SELECT, rows, postgres.url));
      lines.push(`${ratio}; (b')/(a) = ${(plain.rowsPerSecond / isql.rowsPerSecond).toFixed(2)} (wall)`);
    }
    if (big) {
      const bigDatabase = await benchTable(big);
      const bigRun = await withFakeBigQuery((fake) => runChild(`(b) at ${big} rows`, 'bigquery', bigDatabase, BENCH_SELECT, big, fake.endpoint, childNodeArgs()));
      results.push(bigRun);
      const growth = (bigRun.peakRssMiB / payload.peakRssMiB - 1) * 100;
      lines.push(`peak RSS of (b): ${payload.peakRssMiB.toFixed(1)} MiB at ${rows} rows, ${bigRun.peakRssMiB.toFixed(1)} MiB at ${big} rows: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % (${Math.abs(growth) <= 10 ? 'within' : 'NOT within'} 10 %)`);
    }
    if (c08 && !flag('only-b')) {
      const c08Database = await c08Table(c08);
      const run = await withFakeBigQuery(async (fake) => {
        const m = await runChild(`C08: ${c08} x ~1 KB, heap ${C08_HEAP_MIB} MiB`, 'bigquery', c08Database, C08_SELECT, c08, fake.endpoint, [...childNodeArgs(), `--max-old-space-size=${C08_HEAP_MIB}`]);
        lines.push(`C08 uploaded ${(fake.bytesUploaded() / 1e9).toFixed(2)} GB in ${fake.loadJobs()} load jobs, ${fake.rowsLoaded()} rows loaded (COUNT(*) in the read snapshot: ${c08})`);
        return m;
      });
      results.push(run);
      lines.push(`C08 peak RSS ${run.peakRssMiB.toFixed(1)} MiB: ${run.peakRssMiB < C08_RSS_LIMIT_MIB ? 'PASS' : 'FAIL'} (< ${C08_RSS_LIMIT_MIB} MiB)`);
    }
    print(results);
    for (const line of lines) process.stdout.write(`${line}\n`);
  } finally {
    postgres.stop();
  }
}

await main();
// A failed attach (countRows on a table not created yet) leaves node-firebird's reconnect timer behind.
process.exit(0);

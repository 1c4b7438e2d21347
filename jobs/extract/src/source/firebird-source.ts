/**
 * Reads one script from Firebird: attach (with our own timeout: a login can hang forever), one
 * READ ONLY snapshot transaction (the count and the rows see the same data), prepare, and a
 * pull-based fetch loop that keeps at most two batches in memory (the one being converted and
 * the next one already requested from the server). Every server round trip has a read timeout,
 * because a silently dropped TCP connection otherwise waits forever.
 *
 * The connection is always released: rollback + detach when the server answers, otherwise the
 * socket is destroyed (the server then drops the attachment and its read-only transaction).
 */
import Firebird from 'node-firebird';
import type { Database, Options, QueryCallback, QueryOptions, Transaction, Statement } from 'node-firebird';
import type { SourceSpec } from '../../../contract/src/job-spec.js';
import type { Row, SourceColumn } from '../columns.js';
import { ExtractionError } from '../errors.js';
import { classifyAttachError, classifyQueryError } from './firebird-errors.js';
import { describeWireColumn, installExactDecoders, needsNormalizing, normalizeValue, UnsupportedColumnType, type WireColumn } from './firebird-types.js';
import { installFastArc4 } from './fast-arc4.js';
import { installOsUserFallback } from './os-user-fallback.js';
import { armFetchGate, installFetchGate, type FetchResult, type GatedConnection } from './fetch-gate.js';
import { RowDecoder } from './row-decoder.js';
import { connectionCharset, decodeText, hasUndecodableText, wireEncoding, wireTextDecoder, type ConnectionCharset, type WireTextDecoder } from './text-decoding.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_READ_TIMEOUT_MS = 300_000;
/** Rows per op_fetch round trip (node-firebird's own default is 200; with the fetch gate 500 needs fewer round trips and less CPU, see README). */
export const DEFAULT_FETCH_SIZE = 500;
/**
 * Process-wide read tuning (the benchmark and tests change it; a run uses the defaults): rows per
 * op_fetch, whether the fetch gate (fetch-gate.ts) hands the driver whole responses, and whether
 * statements without BLOBs are decoded by our own row decoder (row-decoder.ts, needs the gate).
 */
export const sourceTuning = { fetchSize: DEFAULT_FETCH_SIZE, fetchGate: true, rowDecoder: true };
const CLOSE_STEP_TIMEOUT_MS = 2_000;
const ISC_INFO_SQL_STMT_SELECT = 1;
const TEXT_TYPES = new Set<SourceColumn['type']>(['CHAR', 'VARCHAR', 'BLOB TEXT']);

/** node-firebird's connection internals we need to tear a socket down for sure. */
interface WireConnection {
  _socket?: { destroy(): void } | null;
  _isDetach?: boolean;
  _retry_connection_id?: ReturnType<typeof setTimeout>;
}
type BlobReader = (transaction: Transaction, callback: (err: unknown, name: string, emitter: NodeJS.EventEmitter) => void) => void;

export interface RowKeyDescriber {
  (row: Row, rowNumber: number): string;
}

export class FirebirdSource {
  private transaction?: Transaction;
  private statement?: Statement;
  private wireColumns: WireColumn[] = [];
  private rowDecoder: RowDecoder | undefined;
  columns: SourceColumn[] = [];
  private closed = false;
  /** op_fetch round trips the fetch gate was armed for, and of those with our row decoder (tests check they engaged). */
  gatedFetches = 0;
  decoderFetches = 0;

  private constructor(
    private readonly spec: SourceSpec,
    private readonly scriptName: string,
    private readonly db: Database,
    private readonly connection: WireConnection | undefined,
    readonly charset: ConnectionCharset,
    /** Decodes text bytes as the connection sends them (both decoding paths use it). */
    private readonly text: WireTextDecoder,
  ) {}

  /** Attaches and starts the read-only snapshot transaction. */
  static async open(spec: SourceSpec, password: string, scriptName: string): Promise<FirebirdSource> {
    const charset = connectionCharset(spec);
    const encoding = wireEncoding(spec);
    installFastArc4();
    installFetchGate();
    installOsUserFallback();
    const options: Options = {
      host: spec.host,
      port: spec.port,
      database: spec.database,
      user: spec.user,
      password,
      encoding,
      numericMode: 'string',
      blobReadChunkSize: 65535,
      // node-firebird needs the Srp plugin named to log in without encryption (notes/firebird.md §3).
      ...(spec.wireCrypt === 'disabled' ? { wireCrypt: Firebird.WIRE_CRYPT_DISABLE, pluginName: Firebird.AUTH_PLUGIN_SRP } : {}),
    };
    const timeoutMs = spec.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let connection: WireConnection | undefined;
    const db = await new Promise<Database>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        hardClose(connection);
        reject(
          new ExtractionError(
            'unreachable',
            `Firebird ${spec.host}:${spec.port} did not complete the login within ${timeoutMs} ms`,
            'check the host, port and password; a server whose AuthServer lists several plugins never answers a wrong password',
          ),
        );
      }, timeoutMs);
      Firebird.attach(options, (err, attached) => {
        // The driver may call back twice on failure (error, then "Connection is closed").
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          hardClose(connection);
          reject(classifyAttachError(err, spec));
        } else resolve(attached);
      });
      connection = (Firebird as unknown as { connection?: WireConnection }).connection;
    });
    const source = new FirebirdSource(spec, scriptName, db, connection, charset, wireTextDecoder(charset, encoding));
    // A dropped socket is reported through the pending operation; keep the emitter quiet.
    (db as unknown as NodeJS.EventEmitter).on('error', () => undefined);
    try {
      source.transaction = await source.call<Transaction>('start transaction', (cb) =>
        db.transaction({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true, wait: false }, cb),
      );
    } catch (err) {
      await source.close();
      throw err;
    }
    return source;
  }

  /** Prepares the script; returns its columns (also for an empty result). */
  async prepare(sql: string): Promise<SourceColumn[]> {
    const statement = await this.call<Statement>('prepare', (cb) => this.tx.newStatement(sql, cb));
    this.statement = statement;
    const internal = statement as unknown as { output: WireColumn[]; type: number };
    if (internal.type !== ISC_INFO_SQL_STMT_SELECT) {
      throw new ExtractionError('sql', `script "${this.scriptName}" is not a SELECT; the extractor only runs queries, in a read-only transaction`, 'the script must be a single SELECT');
    }
    this.wireColumns = internal.output;
    try {
      this.columns = this.wireColumns.map((wire, i) => describeWireColumn(wire, i));
    } catch (err) {
      if (err instanceof UnsupportedColumnType) throw new ExtractionError('sql', `script "${this.scriptName}": ${err.message}`);
      throw err;
    }
    installExactDecoders(this.wireColumns, this.columns, this.text);
    this.rowDecoder = RowDecoder.for(this.wireColumns, this.columns, this.text);
    return this.columns;
  }

  /** COUNT(*) of the script in the same snapshot the rows are read from. */
  async count(sql: string, params: unknown[]): Promise<number> {
    const rows = await this.call<Array<Record<string, unknown>>>('count', (cb) => this.tx.query(`select count(*) as etl_row_count from (${sql}) etl_counted`, params, cb));
    return Number(rows[0]?.ETL_ROW_COUNT ?? 0);
  }

  /**
   * Yields the result in batches of decoded rows. The next batch is requested before the current
   * one is converted, so the server works while we do; at most two batches are in memory.
   */
  async *batches(params: unknown[], rowKey: RowKeyDescriber): AsyncGenerator<Row[]> {
    const statement = this.statement;
    if (!statement) throw new Error('prepare() must run before batches()');
    // Array rows (asObject false): cells by position, so duplicate column names cannot collide.
    await this.call<unknown>('execute', (cb) => statement.execute(this.tx, params, cb, { asObject: false } as QueryOptions));
    const check = this.undecodableCheck(rowKey);
    const convert = this.rowConverter(check);
    // BLOBs arrive as reader functions and need round trips; without BLOB columns a batch converts
    // synchronously (no promise per row: that was a tenth of the CPU time on 1M rows).
    const hasBlobs = this.columns.some((c) => c.type === 'BLOB TEXT' || c.type === 'BLOB BINARY');
    let pending: Promise<FetchResult> | undefined = this.fetch(statement);
    let rowNumber = 0;
    try {
      while (pending) {
        const result: FetchResult = await pending;
        pending = result.fetched ? undefined : this.fetch(statement);
        pending?.catch(() => undefined); // awaited on the next turn; avoid an unhandled rejection if we stop first
        if (result.decoded) {
          // our row decoder made final values: only the undecodable-text check is left
          const rows = result.data as Row[];
          for (let r = 0; r < rows.length; r++) check(rows[r]!, ++rowNumber);
          yield rows;
          continue;
        }
        const rows: Row[] = new Array(result.data.length);
        for (let r = 0; r < result.data.length; r++) {
          const raw = result.data[r]!;
          if (hasBlobs) await this.readBlobs(raw);
          rows[r] = convert(raw, ++rowNumber);
        }
        yield rows;
      }
    } finally {
      pending?.catch(() => undefined);
    }
  }

  /**
   * At most the first `limit` rows (the control plane's script preview): the server is asked for
   * no more than `limit` rows, converted exactly as {@link batches} converts them, then the cursor
   * is closed. The rest of the result is never read.
   */
  async firstRows(params: unknown[], limit: number, rowKey: RowKeyDescriber): Promise<Row[]> {
    const statement = this.statement;
    if (!statement) throw new Error('prepare() must run before firstRows()');
    await this.call<unknown>('execute', (cb) => statement.execute(this.tx, params, cb, { asObject: false } as QueryOptions));
    const convert = this.rowConverter(this.undecodableCheck(rowKey));
    const rows: Row[] = [];
    for (let done = false; !done && rows.length < limit; ) {
      const result = await this.call<FetchResult>('fetch', (cb) => statement.fetch(this.tx, limit - rows.length, cb as unknown as QueryCallback));
      done = result.fetched;
      for (const raw of result.data.slice(0, limit - rows.length)) {
        await this.readBlobs(raw);
        rows.push(convert(raw, rows.length + 1));
      }
    }
    await this.call<unknown>('close cursor', (cb) => statement.close((err) => cb(err)));
    return rows;
  }

  /** Releases the attachment: rollback and detach when the server answers, else drop the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const tx = this.transaction;
    try {
      if (tx) await this.call('rollback', (cb) => tx.rollback(cb), CLOSE_STEP_TIMEOUT_MS);
      await this.call('detach', (cb) => this.db.detach(cb), CLOSE_STEP_TIMEOUT_MS);
    } catch {
      // fall through: the socket goes anyway
    } finally {
      hardClose(this.connection);
    }
  }

  /** Stop now (SIGTERM): cancel the running operation on the server, then release. */
  async abort(): Promise<void> {
    try {
      this.db.cancel(() => undefined);
    } catch {
      // not running anything / already closed
    }
    await this.close();
  }

  private get tx(): Transaction {
    if (!this.transaction) throw new Error('no transaction');
    return this.transaction;
  }

  private fetch(statement: Statement): Promise<FetchResult> {
    return this.call<FetchResult>('fetch', (cb) => {
      statement.fetch(this.tx, sourceTuning.fetchSize, cb as unknown as QueryCallback);
      if (!sourceTuning.fetchGate) return;
      const decoder = sourceTuning.rowDecoder ? this.rowDecoder : undefined;
      if (armFetchGate(this.connection as GatedConnection | undefined, this.wireColumns, decoder)) {
        this.gatedFetches++;
        if (decoder) this.decoderFetches++;
      }
    });
  }

  /** Replaces BLOB reader functions in a raw row by their bytes (text BLOBs decoded). */
  private async readBlobs(raw: unknown[]): Promise<void> {
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'function') continue;
      const bytes = await this.readBlob(raw[i] as BlobReader);
      raw[i] = this.columns[i]!.type === 'BLOB TEXT' ? decodeText(bytes, this.charset) : bytes;
    }
  }

  /**
   * The driver path's row conversion, specialised once per statement: only the columns that need
   * normalising are touched, then `check` (the undecodable-text check).
   */
  private rowConverter(check: (row: Row, rowNumber: number) => void): (raw: unknown[], rowNumber: number) => Row {
    const columns = this.columns;
    const normalized = columns.filter((c) => needsNormalizing(c)).map((c) => c.index);
    return (raw, rowNumber) => {
      const row = raw as Row;
      for (const i of normalized) row[i] = normalizeValue(columns[i]!, raw[i]);
      check(row, rowNumber);
      return row;
    };
  }

  /** Fails the run on a text value that decoded to U+FFFD (bytes not valid in the charset). */
  private undecodableCheck(rowKey: RowKeyDescriber): (row: Row, rowNumber: number) => void {
    const columns = this.columns;
    const text = columns.filter((c) => TEXT_TYPES.has(c.type)).map((c) => c.index);
    return (row, rowNumber) => {
      for (const i of text) {
        const cell = row[i];
        if (typeof cell === 'string' && hasUndecodableText(cell)) throw this.undecodable(columns[i]!, row, rowNumber, rowKey);
      }
    };
  }

  private undecodable(column: SourceColumn, row: Row, rowNumber: number, rowKey: RowKeyDescriber): ExtractionError {
    const declared = this.spec.charset === 'NONE' ? `NONE holding ${this.charset}` : this.charset;
    return new ExtractionError(
      'data',
      `${column.table ? `table ${column.table}, ` : ''}column ${column.sourceName}, row ${rowNumber} (${rowKey(row, rowNumber)}) of script "${this.scriptName}" holds bytes that are not valid ${declared} text; refusing to load them as U+FFFD`,
      this.spec.charset === 'NONE' ? 'set the legacy charset the NONE database really holds' : 'check the charset declared for the source',
    );
  }

  private readBlob(reader: BlobReader): Promise<Buffer> {
    return this.call<Buffer>('read blob', (cb) =>
      reader(this.tx, (err, _name, emitter) => {
        if (err) return cb(err);
        const chunks: Buffer[] = [];
        emitter.on('data', (chunk: Buffer) => chunks.push(chunk));
        emitter.on('end', () => cb(null, Buffer.concat(chunks)));
        emitter.on('error', (e: unknown) => cb(e));
      }),
    );
  }

  /**
   * Runs one driver operation with the read timeout. On timeout the connection is torn down (a
   * half-answered wire protocol cannot be reused) and the run fails as connection-lost.
   */
  private call<T>(what: string, start: (cb: (err: unknown, result?: T) => void) => void, timeoutMs = this.spec.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        hardClose(this.connection);
        reject(
          new ExtractionError(
            'connection-lost',
            `Firebird ${this.spec.host}:${this.spec.port} did not answer "${what}" within ${timeoutMs} ms; the connection is considered lost`,
            'check the network path to the server (firewall / NAT idle timeouts) or raise the source read timeout',
          ),
        );
      }, timeoutMs);
      try {
        start((err, result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (err) reject(classifyQueryError(err, this.spec, this.scriptName));
          else resolve(result as T);
        });
      } catch (err) {
        settled = true;
        clearTimeout(timer);
        reject(classifyQueryError(err, this.spec, this.scriptName));
      }
    });
  }
}

/** Destroys the socket without letting node-firebird reconnect behind our back. */
function hardClose(connection: WireConnection | undefined): void {
  if (!connection) return;
  connection._isDetach = true;
  if (connection._retry_connection_id) clearTimeout(connection._retry_connection_id);
  connection._socket?.destroy();
}

/**
 * Fetch gate: hands node-firebird an op_fetch response only once all of it has arrived.
 *
 * node-firebird's socket `data` handler decodes whatever bytes it has; when a TCP read ends inside
 * a response, decoding fails ("Packet is not complete"/RangeError), the bytes are kept, and on the
 * next read the old bytes + the new ones are concatenated and the response is decoded again FROM
 * ITS START. A 200-row response arriving in a few reads is decoded (rows, strings, slices) a few
 * times over, and the cost grows with the square of the response size, which made fetch sizes
 * above 200 slower instead of faster.
 *
 * The gate sits between the driver's socket proxy (after decryption/decompression) and the
 * driver's `data` handler. It is installed once per process by wrapping the proxy's `on` method
 * (`node-firebird/lib/wire/socket.js`, the same class {@link installFastArc4} patches), and it is
 * passive — every chunk goes straight through — until {@link armFetchGate} is called right after
 * an op_fetch was queued as the connection's only outstanding request. Armed, it collects the bytes
 * and walks them with a cheap scanner that only reads lengths (opcode, status, count, null bitmap,
 * VARCHAR lengths; fixed sizes per SQL type), resuming at the last complete row, until the
 * response's closing op_fetch_response (count 0 or status 100) has arrived. Then it hands the
 * driver the whole response in ONE chunk, which the driver decodes once, and disarms. Anything the
 * scanner does not know (another opcode such as an error op_response, a type without a known wire
 * size, protocol < 13) hands over everything collected and disarms: the driver then works exactly
 * as without the gate. The driver's code is not copied or changed; decoded values are the
 * driver's own (tested equal to the ungated driver for every Firebird 3 type and many fetch sizes).
 *
 * Armed with a {@link RowDecoder} (row-decoder.ts, statements without BLOB columns), the whole
 * response goes to that decoder instead of the driver's, and the gate completes the fetch request
 * waiting in the driver's queue with the decoded rows.
 */
import { createRequire } from 'node:module';
import Firebird from 'node-firebird';
import { align, FETCH_STATUS_END_OF_CURSOR, OP_FETCH_RESPONSE, rowValuesOffset } from './fetch-wire.js';
import type { RowDecoder } from './row-decoder.js';

const T = Firebird.SQL_TYPES;
/** node-firebird's PROTOCOL_VERSION13 (FB_PROTOCOL_FLAG | 13): from it on rows carry a null bitmap. */
const PROTOCOL_VERSION13 = 0x8000 | 13;
const VARYING = -1;
const NEED_MORE = -1;
const UNKNOWN = -2;
const GATE = Symbol('etl-fetch-gate');

type DataListener = (data: Buffer) => void;
interface DriverSocketProxy {
  /** The net.Socket the proxy wraps. */
  _socket: object;
}
interface DriverSocketClass {
  prototype: { on(this: DriverSocketProxy, event: string, listener: (...args: unknown[]) => void): unknown };
}

/** What the gate reads from node-firebird's connection (internals, not in its typings). */
export interface GatedConnection {
  _socket?: object | null;
  _queue?: unknown[];
  _pending?: unknown[];
  _xdr?: unknown;
  accept?: { protocolVersion?: number };
}

const require = createRequire(import.meta.url);
const DriverSocket = require('node-firebird/lib/wire/socket.js') as DriverSocketClass;
const driverOn = DriverSocket.prototype.on;
let installed = false;


/** XDR bytes of a non-null value of this SQL type (VARYING: length-prefixed), undefined if unknown. */
export function wireValueSize(type: number, length: number): number | undefined {
  switch (type) {
    case T.SQL_TEXT:
    case T.SQL_NULL:
      return length > 0 ? align(length) : 0;
    case T.SQL_VARYING:
      return VARYING;
    case T.SQL_SHORT:
    case T.SQL_LONG:
    case T.SQL_FLOAT:
    case T.SQL_TYPE_DATE:
    case T.SQL_TYPE_TIME:
    case T.SQL_BOOLEAN:
      return 4;
    case T.SQL_INT64:
    case T.SQL_DOUBLE:
    case T.SQL_D_FLOAT:
    case T.SQL_TIMESTAMP:
    case T.SQL_BLOB:
    case T.SQL_ARRAY:
    case T.SQL_QUAD:
    case T.SQL_DEC16:
    case T.SQL_TIME_TZ:
      return 8;
    case T.SQL_TIMESTAMP_TZ:
    case T.SQL_TIME_TZ_EX:
      return 12;
    case T.SQL_INT128:
    case T.SQL_DEC34:
    case T.SQL_TIMESTAMP_TZ_EX:
      return 16;
    default:
      return undefined;
  }
}

/**
 * Walks an op_fetch response (protocol >= 13) in a buffer that grows, resuming at the last
 * complete row. Returns the offset just after the response, NEED_MORE or UNKNOWN.
 */
export class FetchResponseScanner {
  private pos = 0;
  private readonly rowStart: number;

  constructor(private readonly sizes: readonly number[]) {
    this.rowStart = rowValuesOffset(sizes.length);
  }

  scan(buf: Buffer, length: number): number {
    const sizes = this.sizes;
    for (;;) {
      let p = this.pos;
      if (p + 12 > length) return NEED_MORE;
      if (buf.readInt32BE(p) !== OP_FETCH_RESPONSE) return UNKNOWN;
      const status = buf.readInt32BE(p + 4);
      const count = buf.readInt32BE(p + 8);
      p += 12;
      // The driver's loop: rows follow while count != 0 and status != 100.
      if (count === 0 || status === FETCH_STATUS_END_OF_CURSOR) return p;
      const bitmap = p;
      p += this.rowStart;
      if (p > length) return NEED_MORE;
      for (let c = 0; c < sizes.length; c++) {
        if ((buf[bitmap + (c >> 3)]! >> (c & 7)) & 1) continue; // NULL: no bytes
        const size = sizes[c]!;
        if (size === VARYING) {
          if (p + 4 > length) return NEED_MORE;
          const n = buf.readInt32BE(p);
          if (n < 0) return UNKNOWN;
          p += 4 + align(n);
        } else p += size;
      }
      if (p > length) return NEED_MORE;
      this.pos = p;
    }
  }
}

/** Takes a whole op_fetch response (bytes [0, end)) instead of the driver's decoder; false: not taken, the driver gets it. */
export type ResponseTaker = (bytes: Buffer, end: number) => boolean;

/** One per driver socket (exported for tests, which drive it with bytes directly). */
export class FetchGate {
  private scanner: FetchResponseScanner | undefined;
  private taker: ResponseTaker | undefined;
  private buffer: Buffer | undefined;
  private length = 0;
  /** Responses handed over whole / taken by our own decoder / handed back to the driver unscanned (tests read these). */
  gated = 0;
  taken = 0;
  passedOn = 0;

  constructor(private readonly deliver: DataListener) {}

  arm(sizes: readonly number[], taker: ResponseTaker | undefined): void {
    this.scanner = new FetchResponseScanner(sizes);
    this.taker = taker;
    this.buffer = undefined;
    this.length = 0;
  }

  receive(data: Buffer): void {
    const scanner = this.scanner;
    if (!scanner) return this.deliver(data);
    let bytes: Buffer;
    if (this.length === 0) {
      bytes = data; // first chunk: scanned in place, handed over without a copy if it is complete
    } else {
      // A fresh buffer per response (never reused: the driver's values may be views of it).
      if (this.length + data.length > this.buffer!.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer!.length, this.length + data.length));
        this.buffer!.copy(grown, 0, 0, this.length);
        this.buffer = grown;
      }
      data.copy(this.buffer!, this.length);
      bytes = this.buffer!;
    }
    const total = this.length + data.length;
    const end = scanner.scan(bytes, total);
    if (end === NEED_MORE) {
      if (this.length === 0) {
        this.buffer = Buffer.allocUnsafe(Math.max(4 * data.length, 64 * 1024));
        data.copy(this.buffer, 0);
      }
      this.length = total;
      return;
    }
    const taker = this.taker;
    this.scanner = undefined;
    this.taker = undefined;
    this.buffer = undefined;
    this.length = 0;
    if (end === UNKNOWN) {
      this.passedOn++;
      return this.deliver(bytes === data ? data : bytes.subarray(0, total));
    }
    if (taker?.(bytes, end)) this.taken++;
    else {
      this.gated++;
      if (end === total) return this.deliver(bytes === data ? data : bytes.subarray(0, total));
      this.deliver(bytes.subarray(0, end));
    }
    // Bytes after the response (the start of a response to a request queued behind the fetch)
    // reach the driver as their own read, as if the TCP read had ended with the fetch response.
    if (end < total) this.deliver(bytes === data ? data.subarray(end) : Buffer.from(bytes.subarray(end, total)));
  }
}

/** Wraps the driver socket proxy's `on('data')` with a (passive) gate. Once per process. */
export function installFetchGate(): void {
  if (installed) return;
  installed = true;
  DriverSocket.prototype.on = function on(this: DriverSocketProxy, event: string, listener: (...args: unknown[]) => void): unknown {
    if (event !== 'data') return driverOn.call(this, event, listener);
    const gate = new FetchGate(listener as DataListener);
    (this._socket as Record<symbol, FetchGate>)[GATE] = gate;
    return driverOn.call(this, event, (data: unknown) => gate.receive(data as Buffer));
  };
}

function gateOf(connection: GatedConnection | undefined): FetchGate | undefined {
  const socket = connection?._socket as Record<symbol, FetchGate | undefined> | null | undefined;
  return socket ? socket[GATE] : undefined;
}

/** What a fetch callback of the driver receives; `decoded` when our own decoder made the rows. */
export interface FetchResult {
  data: unknown[][];
  fetched: boolean;
  decoded?: boolean;
}
type FetchCallback = (err: unknown, result?: FetchResult) => void;

/**
 * Arms the gate for the op_fetch the driver has just queued (call it right after
 * `statement.fetch(...)`: the response can only arrive in a later event-loop turn), if that is
 * safe: the fetch is the only request in the driver's queue (so the next byte starts its
 * response), no partial bytes saved, a protocol with null bitmaps, and every column has a known
 * wire size. Returns whether it armed.
 *
 * With a `decoder` the whole response is decoded by it instead of the driver, and that fetch's
 * callback is completed here, as the driver's data handler would complete it (queue entry
 * removed, callback called with `{ data, fetched }`). Should the queue's head be anything else by
 * then, the response goes to the driver instead.
 */
export function armFetchGate(connection: GatedConnection | undefined, columns: ReadonlyArray<{ type: number; length: number }>, decoder?: RowDecoder): boolean {
  if (!connection) return false;
  const gate = gateOf(connection);
  if (!gate || connection._queue?.length !== 1 || connection._xdr !== undefined) return false;
  if ((connection.accept?.protocolVersion ?? 0) < PROTOCOL_VERSION13) return false;
  const sizes: number[] = [];
  for (const column of columns) {
    const size = wireValueSize(column.type, column.length);
    if (size === undefined) return false;
    sizes.push(size);
  }
  gate.arm(sizes, decoder ? fetchTaker(connection, decoder) : undefined);
  return true;
}

/**
 * The taker that completes the fetch now at the head of the driver's queue with `decoder`'s rows
 * (declines, so the driver decodes, should the head have changed by the time the response is in).
 */
export function fetchTaker(connection: Pick<GatedConnection, '_queue' | '_pending'>, decoder: RowDecoder): ResponseTaker {
  const callback = connection._queue?.[0] as FetchCallback | undefined;
  return (bytes, end) => completeFetch(connection, callback, decoder, bytes, end);
}

function completeFetch(connection: Pick<GatedConnection, '_queue' | '_pending'>, callback: FetchCallback | undefined, decoder: RowDecoder, bytes: Buffer, end: number): boolean {
  if (!callback || !connection._queue || connection._queue[0] !== callback) return false;
  connection._queue.shift();
  connection._pending?.shift();
  let result: FetchResult;
  try {
    const { rows, fetched } = decoder.decode(bytes, end);
    result = { data: rows, fetched, decoded: true };
  } catch (err) {
    callback(err);
    return true;
  }
  callback(undefined, result);
  return true;
}

/** Responses the connection's gate handed over whole, decoded itself, and handed back unscanned. */
export function fetchGateCounts(connection: GatedConnection | undefined): { gated: number; taken: number; passedOn: number } {
  const gate = gateOf(connection);
  return { gated: gate?.gated ?? 0, taken: gate?.taken ?? 0, passedOn: gate?.passedOn ?? 0 };
}

/**
 * NDJSON load-job payloads built in one reusable byte buffer. Each line is written as UTF-8 bytes
 * straight into the buffer, so a ~5 MB chunk is one Buffer plus the end offset of each line: no
 * string per row survives until the upload (they used to be promoted to the old generation and
 * collected late, the bulk of the extractor's peak RSS), no join, no second copy for the upload.
 * The line end offsets let an error at a byte position be mapped back to its row.
 */
import type { Row } from '../columns.js';
import { NO_ROOM, type NdjsonRowEncoder } from './ndjson-encoder.js';

export interface Chunk {
  /** The NDJSON bytes (a view; valid until the builder is reused). */
  data: Buffer;
  /** Byte offset just after each line, relative to `data`. */
  ends: number[];
  /** Index of the chunk's first row in the run. */
  firstRowIndex: number;
}

export class ChunkBuilder {
  private buffer: Buffer;
  private length = 0;
  private ends: number[] = [];
  private firstRowIndex = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get bytes(): number {
    return this.length;
  }

  get rows(): number {
    return this.ends.length;
  }

  /** Appends the row's NDJSON line, encoded straight into the buffer. */
  appendRow(encoder: NdjsonRowEncoder, row: Row): void {
    let end = encoder.write(row, this.buffer, this.length);
    if (end === NO_ROOM) {
      this.grow(this.length + encoder.maxBytes(row));
      end = encoder.write(row, this.buffer, this.length);
    }
    this.length = end;
    this.ends.push(end);
  }

  /** The chunk so far; the builder starts the next one in the same buffer once this is loaded. */
  take(): Chunk {
    const chunk = { data: this.buffer.subarray(0, this.length), ends: this.ends, firstRowIndex: this.firstRowIndex };
    this.firstRowIndex += this.ends.length;
    this.ends = [];
    this.length = 0;
    return chunk;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

/** Rows [from, to) of a chunk as a chunk of their own (a view on the same bytes). */
export function sliceChunk(chunk: Chunk, from: number, to: number): Chunk {
  const start = from === 0 ? 0 : chunk.ends[from - 1]!;
  return { data: chunk.data.subarray(start, chunk.ends[to - 1]!), ends: chunk.ends.slice(from, to).map((end) => end - start), firstRowIndex: chunk.firstRowIndex + from };
}

export function chunkLine(chunk: Chunk, i: number): string {
  return chunk.data.toString('utf8', i === 0 ? 0 : chunk.ends[i - 1]!, chunk.ends[i]!);
}

/** Index (within the chunk) of the line containing byte `position`, or -1. */
export function lineAt(chunk: Chunk, position: number): number {
  let low = 0;
  let high = chunk.ends.length - 1;
  if (high < 0 || position >= chunk.ends[high]!) return -1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (position < chunk.ends[mid]!) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Charset handling. The extractor attaches with the connection charset (lc_ctype) equal to the
 * charset the source declares, or for a NONE database to the charset its bytes really are
 * (`legacyCharset`). The server then sends every text value in that charset (transliterating
 * columns of other charsets), and text BLOBs arrive as bytes in that charset too, so one decoder
 * per run is right for every text value.
 *
 * WIN1252 is decoded by table (0x80-0x9F are € ‚ ƒ „ … “ ” – — ™ œ Ÿ etc., not C1 controls); its
 * five unassigned bytes (0x81 0x8D 0x8F 0x90 0x9D) and invalid UTF-8 decode to U+FFFD, which is
 * how we detect undecodable bytes: a U+FFFD in a decoded value fails the run, naming the value.
 */
import { createRequire } from 'node:module';
import iconv from 'iconv-lite';
import type { SourceSpec } from '../../../contract/src/job-spec.js';

export type ConnectionCharset = 'UTF8' | 'WIN1252' | 'ISO8859_1';

export function connectionCharset(source: Pick<SourceSpec, 'charset' | 'legacyCharset'>): ConnectionCharset {
  if (source.charset !== 'NONE') return source.charset;
  // NONE without a declared legacy charset: insist on valid UTF-8 (anything else fails loudly).
  return source.legacyCharset ?? 'UTF8';
}

const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * The `encoding` node-firebird attaches with. For a NONE database holding single-byte legacy text
 * we attach as NONE: the server then sends the original bytes untouched and {@link wireTextDecoder}
 * decodes them with the real charset. (The driver's own WIN1252 table passes the unassigned bytes
 * through as C1 controls, hiding bad data.)
 */
export function wireEncoding(source: Pick<SourceSpec, 'charset' | 'legacyCharset'>): ConnectionCharset | 'NONE' {
  const charset = connectionCharset(source);
  return source.charset === 'NONE' && charset !== 'UTF8' ? 'NONE' : charset;
}

export function hasUndecodableText(text: string): boolean {
  return text.includes(REPLACEMENT_CHARACTER);
}

/** Decodes text BLOB bytes that arrive in the connection charset. */
export function decodeText(bytes: Buffer, charset: ConnectionCharset): string {
  switch (charset) {
    case 'UTF8':
      return bytes.toString('utf8');
    case 'ISO8859_1':
      return bytes.toString('latin1');
    case 'WIN1252':
      return iconv.decode(bytes, 'win1252');
  }
}

/** Text of the bytes [start, end) of a buffer. */
export type WireTextDecoder = (buf: Buffer, start: number, end: number) => string;

interface DriverCodec {
  decode(bytes: Buffer): string;
}
const require = createRequire(import.meta.url);
const driverCodepages = require('node-firebird/lib/wire/codepages.js') as { getCodec(name: string): DriverCodec | null };

/** Buffer's native slice decoders (what `toString` calls after checking its arguments). */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/**
 * The decoder of text bytes as they arrive on a connection attached with `wireEncoding` ('NONE':
 * legacy bytes of `charset`; WIN1252: the driver's own codec, as the driver decodes). Used by our
 * row decoder and by the exact CHAR/VARCHAR decoders on the driver path, so both give the same text.
 */
export function wireTextDecoder(charset: ConnectionCharset, wireEncoding: ConnectionCharset | 'NONE'): WireTextDecoder {
  if (wireEncoding === 'NONE') return (buf, start, end) => decodeText(buf.subarray(start, end), charset);
  switch (wireEncoding) {
    case 'UTF8':
      return (buf, start, end) => (buf as unknown as NativeSlices).utf8Slice(start, end);
    case 'ISO8859_1':
      return (buf, start, end) => (buf as unknown as NativeSlices).latin1Slice(start, end);
    case 'WIN1252': {
      const codec = driverCodepages.getCodec('WIN1252');
      if (!codec) throw new Error('node-firebird has no WIN1252 codec');
      return (buf, start, end) => codec.decode(buf.subarray(start, end));
    }
  }
}

/** End of a CHAR value's bytes without Firebird's space padding (0x20 is a space in every charset we read). */
export function unpaddedEnd(buf: Buffer, start: number, end: number): number {
  while (end > start && buf[end - 1] === 0x20) end--;
  return end;
}

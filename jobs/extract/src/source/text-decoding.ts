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
 * we attach as NONE: the driver then maps each byte to one character (latin1, lossless) and
 * {@link recodeLegacyText} decodes the original bytes with the real charset. (The driver's own
 * WIN1252 table passes the unassigned bytes through as C1 controls, hiding bad data.)
 */
export function wireEncoding(source: Pick<SourceSpec, 'charset' | 'legacyCharset'>): ConnectionCharset | 'NONE' {
  const charset = connectionCharset(source);
  return source.charset === 'NONE' && charset !== 'UTF8' ? 'NONE' : charset;
}

/** Text the driver decoded byte-per-character (wire encoding NONE) -> text in the legacy charset. */
export function recodeLegacyText(text: string, charset: ConnectionCharset): string {
  return decodeText(Buffer.from(text, 'latin1'), charset);
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

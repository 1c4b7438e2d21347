/**
 * The layout of an op_fetch response (Firebird wire protocol >= 13), shared by the fetch gate's
 * scanner (fetch-gate.ts), our row decoder (row-decoder.ts) and the exact text decoders on the
 * driver path (firebird-types.ts): per batch an opcode, a status and a count, then per row a null
 * bitmap padded to 4 bytes and the non-null values, each padded to 4 bytes (XDR).
 */
export const OP_FETCH_RESPONSE = 66;
/** The status of the response that ends the cursor. */
export const FETCH_STATUS_END_OF_CURSOR = 100;

/** XDR pads every item to a multiple of 4 bytes. */
export const align = (n: number): number => (n + 3) & ~3;

/** Bytes from a row's start to its first value: the null bitmap (one bit per column), padded. */
export const rowValuesOffset = (columnCount: number): number => align((columnCount + 7) >> 3);

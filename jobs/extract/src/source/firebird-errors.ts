/**
 * Firebird / socket errors -> {@link ExtractionError} with a kind and a message a user can act on.
 * Codes are Firebird gdscodes (node-firebird sets err.gdscode); socket errors carry err.code.
 */
import { ExtractionError } from '../errors.js';
import type { SourceSpec } from '../../../contract/src/job-spec.js';

export const GDS = {
  login: 335544472, // Your user name and password are not defined
  ioError: 335544344, // I/O error ... open (missing file / alias)
  unavailableDatabase: 335544375,
  wireCryptIncompatible: 335545064,
  dsqlError: 335544569, // syntax, unknown table/column
  readOnlyTransaction: 335544361,
  noPermission: 335544352, // no permission for read/select access
  cancelled: 335544794,
  transliteration: 335544565, // Cannot transliterate character between character sets
  malformedString: 335544849,
  connectionShutdown: 335544856,
} as const;

interface DriverError {
  message?: string;
  code?: string;
  gdscode?: number;
}

const where = (source: SourceSpec) => `${source.host}:${source.port}`;

/** Classifies an error raised while attaching. */
export function classifyAttachError(err: unknown, source: SourceSpec): ExtractionError {
  const e = (err ?? {}) as DriverError;
  const serverText = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'EAI_AGAIN' || e.code === 'ETIMEDOUT') {
    return new ExtractionError('unreachable', `Firebird server ${where(source)} is unreachable (${e.code}): check the source host and port and that the server listens there`, undefined, { cause: err });
  }
  if (e.gdscode === GDS.login) {
    return new ExtractionError('auth', `Firebird refused the login of user ${source.user} at ${where(source)}: the user name or password is wrong`, 'update the source password (or user) and run again', { cause: err });
  }
  if (e.gdscode === GDS.wireCryptIncompatible || /wire encryption/i.test(serverText)) {
    return new ExtractionError(
      'wire-encryption',
      `Firebird server ${where(source)} and the extractor disagree on wire encryption (client wireCrypt=${source.wireCrypt ?? 'required'}): ${serverText}`,
      source.wireCrypt === 'disabled'
        ? 'the server requires encryption: set the source wire encryption to "required", or set WireCrypt = Enabled in the server firebird.conf'
        : 'set WireCrypt = Enabled (or Required) in the server firebird.conf; WireCrypt = Disabled refuses encrypted clients',
      { cause: err },
    );
  }
  if (e.gdscode === GDS.unavailableDatabase && source.wireCrypt === 'disabled') {
    // node-firebird reports a refused unencrypted login as "Unavailable database".
    return new ExtractionError(
      'wire-encryption',
      `Firebird server ${where(source)} refused the unencrypted connection ("${serverText}")`,
      'the server requires wire encryption (WireCrypt = Required): set the source wire encryption to "required", or WireCrypt = Enabled in the server firebird.conf',
      { cause: err },
    );
  }
  if (e.gdscode === GDS.ioError) {
    return new ExtractionError('unknown-database', `Firebird server ${where(source)} has no database "${source.database}": check the path or alias (databases.conf)`, undefined, { cause: err });
  }
  if (/Connection (to Firebird server was lost|is closed)/i.test(serverText) || e.code === 'ECONNRESET' || e.code === 'EPIPE') {
    return new ExtractionError('connection-lost', `the connection to Firebird ${where(source)} was closed during login: ${serverText}`, 'check the server log; a wire compression or encryption mismatch also closes the connection', { cause: err });
  }
  return new ExtractionError('unreachable', `could not attach to Firebird ${where(source)}: ${serverText}`, undefined, { cause: err });
}

/** Classifies an error raised after attach (prepare, fetch, blob reads). */
export function classifyQueryError(err: unknown, source: SourceSpec, scriptName: string): ExtractionError {
  if (err instanceof ExtractionError) return err;
  const e = (err ?? {}) as DriverError;
  const serverText = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  switch (e.gdscode) {
    case GDS.dsqlError:
      return new ExtractionError('sql', `script "${scriptName}" is not valid SQL for this database: ${serverText}`, undefined, { cause: err });
    case GDS.readOnlyTransaction:
      return new ExtractionError('sql', `script "${scriptName}" tries to change data; the extractor runs scripts in a read-only transaction and changed nothing (${serverText})`, 'the script must be a single SELECT', { cause: err });
    case GDS.noPermission:
      return new ExtractionError('sql', `user ${source.user} may not read what script "${scriptName}" selects: ${serverText}`, 'GRANT SELECT to the source user', { cause: err });
    case GDS.transliteration:
    case GDS.malformedString:
      return new ExtractionError('data', `Firebird could not convert text to the source charset ${source.charset}${source.legacyCharset ? `/${source.legacyCharset}` : ''}: ${serverText}`, 'check the charset declared for the source', { cause: err });
    default:
      break;
  }
  if (/Connection (to Firebird server was lost|is closed)/i.test(serverText) || e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.gdscode === GDS.connectionShutdown) {
    return new ExtractionError('connection-lost', `the connection to Firebird ${where(source)} was lost during the read: ${serverText}`, undefined, { cause: err });
  }
  return new ExtractionError('sql', `Firebird failed running script "${scriptName}": ${serverText}`, undefined, { cause: err });
}

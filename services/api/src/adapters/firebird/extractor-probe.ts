/**
 * {@link FirebirdProbe} on the extractor's own Firebird reader (jobs/extract FirebirdSource): the
 * same attach (with its login timeout), READ ONLY snapshot transaction, statement check (a script
 * that is not a SELECT or that writes is refused), exact value decoding, charsets, error
 * classification and password redaction as a run. A check is therefore a faithful preview of what
 * a run would read, and fails with the message a run would give.
 *
 * Every check releases its attachment (rollback + detach, or the socket is destroyed), also on error.
 */
import type { SourceSpec } from '../../../../../jobs/contract/src/job-spec.js';
import type { Row, SourceColumn } from '../../../../../jobs/extract/src/columns.js';
import { findColumn, nameColumns } from '../../../../../jobs/extract/src/column-names.js';
import { asExtractionError, redact } from '../../../../../jobs/extract/src/errors.js';
import { rowKeyDescriber } from '../../../../../jobs/extract/src/run-extraction.js';
import { FirebirdSource } from '../../../../../jobs/extract/src/source/firebird-source.js';
import { ProbeFailure, type FirebirdProbe, type PreviewCell, type PreviewColumn, type PreviewData, type ProbeLimits, type ServerInfo } from '../../domain/catalog/source-check.js';

/** Server version and database name from the system context (any user may read it). */
const SERVER_INFO_SQL = "select rdb$get_context('SYSTEM', 'ENGINE_VERSION') as ENGINE_VERSION, rdb$get_context('SYSTEM', 'DB_NAME') as DB_NAME from rdb$database";

export class ExtractorFirebirdProbe implements FirebirdProbe {
  async serverInfo(source: SourceSpec, password: string, limits: ProbeLimits): Promise<ServerInfo> {
    const [row] = await this.withSource(source, password, 'connection test', limits, async (firebird) => {
      await firebird.prepare(SERVER_INFO_SQL);
      return firebird.firstRows([], 1, () => 'RDB$DATABASE');
    });
    return { serverVersion: String(row?.[0] ?? 'unknown'), databaseName: String(row?.[1] ?? source.database) };
  }

  async preview(source: SourceSpec, password: string, script: { name: string; sql: string; keyColumns: string[] }, limit: number, limits: ProbeLimits): Promise<PreviewData> {
    return this.withSource(source, password, script.name, limits, async (firebird) => {
      // The statement text a run prepares (runExtraction: trimmed, trailing semicolons dropped).
      const columns = await firebird.prepare(script.sql.trim().replace(/;+\s*$/, ''));
      const named = nameColumns(columns);
      const keys = script.keyColumns.map((name) => findColumn(named, name)).filter((c) => c !== undefined);
      const rows = await firebird.firstRows([], limit, rowKeyDescriber(named, keys));
      return { columns: columns.map(previewColumn), rows: rows.map(previewRow) };
    });
  }

  /** Opens the source, runs `work`, always releases the attachment; Firebird problems become {@link ProbeFailure}. */
  private async withSource<T>(source: SourceSpec, password: string, scriptName: string, limits: ProbeLimits, work: (firebird: FirebirdSource) => Promise<T>): Promise<T> {
    let firebird: FirebirdSource | undefined;
    try {
      firebird = await FirebirdSource.open({ ...source, connectTimeoutMs: limits.connectTimeoutMs, readTimeoutMs: limits.readTimeoutMs }, password, scriptName);
      return await work(firebird);
    } catch (err) {
      const error = asExtractionError(err);
      throw new ProbeFailure(error.kind, redact(error.message, [password]), error.hint === undefined ? undefined : redact(error.hint, [password]));
    } finally {
      await firebird?.close();
    }
  }
}

function previewColumn(column: SourceColumn): PreviewColumn {
  return { name: column.sourceName, type: column.type, ...(column.type === 'NUMERIC' ? { scale: column.scale } : {}) };
}

/** The extractor's cell values as JSON: binary (a Buffer) as base64, like the NDJSON a run loads. */
function previewRow(row: Row): PreviewCell[] {
  return row.map((cell) => (Buffer.isBuffer(cell) ? cell.toString('base64') : cell));
}

/**
 * The catalog's "Test connection" (a source) and "Preview first 20 rows" (a script): the control
 * plane itself attaches to Firebird with the source's settings and its password from the secret
 * store, through the {@link FirebirdProbe} port (adapters/firebird reuses the extractor's
 * connection, reading and error code, so a check fails with the very message a run would give).
 *
 * Who may check (documented in the README's control-plane section):
 * - a source: admins, and operators granted the source;
 * - a script: admins, and operators granted the script AND its source (a preview shows data of
 *   the source; an operator could load the same rows into a granted destination anyway).
 * - settings typed into the source form, before saving: admins (it is catalog editing).
 * An item the actor may not see is 404; a viewer (read-only role) gets 403, as does an operator
 * previewing a granted script whose source is not granted. Every check, and every refused
 * attempt, is an audit event (`source.test`, `script.preview`).
 *
 * A failed check is a result (`ok: false` with the message), not an error: the request worked.
 */
import type { SourceSpec } from '../../../../../jobs/contract/src/job-spec.js';
import { can, type Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { ForbiddenError, UnavailableError, ValidationError } from '../errors.js';
import type { Script, Source } from '../model.js';
import type { Repositories } from '../ports.js';
import { seesItem, visibleOr404, type VisibilityOf } from '../permissions/visibility.js';
import { readPassword, readSource, SECRET } from './catalog-service.js';
import type { Input } from '../validation.js';

/** Rows a preview shows. */
export const PREVIEW_ROWS = 20;

/** What the control plane knows of the server after a successful attach. */
export interface ServerInfo {
  /** Engine version, e.g. "3.0.11". */
  serverVersion: string;
  /** The database as the server names it (alias or file). */
  databaseName: string;
}

/** A preview column: the name Firebird gives it and its Firebird type (with the scale of NUMERIC). */
export interface PreviewColumn {
  name: string;
  type: string;
  scale?: number;
}

/**
 * A cell as the extractor loads it: SMALLINT/INTEGER/FLOAT/DOUBLE as numbers, BIGINT and NUMERIC
 * as exact decimal strings, DATE/TIME/TIMESTAMP as wall-clock text, text decoded with the source
 * charset, binary as base64, BOOLEAN as boolean, NULL as null.
 */
export type PreviewCell = string | number | boolean | null;

export interface PreviewData {
  columns: PreviewColumn[];
  rows: PreviewCell[][];
}

export interface ProbeLimits {
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** Port: talks to Firebird. Implemented by adapters/firebird (the extractor's reader). */
export interface FirebirdProbe {
  /** Attach, read the server version and database name, detach. */
  serverInfo(source: SourceSpec, password: string, limits: ProbeLimits): Promise<ServerInfo>;
  /** Runs the script in a read-only transaction, reads at most `limit` rows, always detaches. */
  preview(source: SourceSpec, password: string, script: { name: string; sql: string; keyColumns: string[] }, limit: number, limits: ProbeLimits): Promise<PreviewData>;
}

/** What a probe throws for a Firebird problem: the extractor's actionable message (and hint). */
export class ProbeFailure extends Error {
  override name = 'ProbeFailure';
  constructor(
    /** The extractor's error kind: auth, unreachable, unknown-database, wire-encryption, sql, data, connection-lost … */
    readonly kind: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Port: reads a secret back. Only the local secret store can; Kubernetes Secrets are write-only for the control plane. */
export interface SecretReader {
  read(name: string, key: string): Promise<string>;
}

export interface CheckResult {
  ok: boolean;
  /** What happened, for a person: "Connected to …" or the extractor's error message. */
  message: string;
  /** Wall-clock time of the check (attach to detach). */
  elapsedMs: number;
  /** On failure: the error kind (auth, unreachable, unknown-database, wire-encryption, sql, …). */
  kind?: string;
  /** On failure, when there is one: what to change. */
  hint?: string;
}

export interface ConnectionTestResult extends CheckResult {
  serverVersion?: string;
  databaseName?: string;
}

export interface PreviewResult extends CheckResult {
  columns: PreviewColumn[];
  rows: PreviewCell[][];
}

export interface SourceCheckOptions {
  /** Login timeout of a check (default 10 s). */
  connectTimeoutMs?: number;
  /** Timeout of every server round trip of a check (default 30 s). */
  readTimeoutMs?: number;
  /** Monotonic milliseconds, for elapsedMs. */
  now?: () => number;
  /** Where an unexpected (non-Firebird) failure of a check is reported. */
  onError?: (err: unknown, context: string) => void;
  /** Checks running at once in this process (default 4); more answer 503, so buttons cannot flood the Firebird server. */
  maxConcurrent?: number;
}

/** The audit entry of one check. */
interface CheckEntry {
  action: 'source.test' | 'script.preview';
  targetType: 'source' | 'script';
  targetId: number | null;
}

const DEFAULT_LIMITS: ProbeLimits = { connectTimeoutMs: 10_000, readTimeoutMs: 30_000 };

/** The extractor's view of a source (the same fields RunTemplateBuilder puts into a job spec). */
export function sourceSpecOf(source: Source): SourceSpec {
  return {
    host: source.host,
    port: source.port,
    database: source.database,
    user: source.user,
    charset: source.charset,
    ...(source.legacyCharset ? { legacyCharset: source.legacyCharset as SourceSpec['legacyCharset'] } : {}),
    timeZone: source.timeZone,
    wireCrypt: source.wireCrypt,
  };
}

export class SourceCheckService {
  private readonly limits: ProbeLimits;
  private readonly now: () => number;
  private readonly onError: (err: unknown, context: string) => void;
  private readonly maxConcurrent: number;
  private running = 0;

  constructor(
    private readonly repos: Pick<Repositories, 'sources' | 'scripts'>,
    private readonly probe: FirebirdProbe | undefined,
    private readonly secrets: SecretReader | undefined,
    private readonly audit: AuditTrail,
    private readonly visibilityOf: VisibilityOf,
    options: SourceCheckOptions = {},
  ) {
    this.limits = { connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs, readTimeoutMs: options.readTimeoutMs ?? DEFAULT_LIMITS.readTimeoutMs };
    this.now = options.now ?? (() => performance.now());
    this.onError = options.onError ?? ((err, context) => console.error(`${context}: ${(err as Error)?.stack ?? String(err)}`));
    this.maxConcurrent = options.maxConcurrent ?? 4;
  }

  /** "Test connection": attach with the source's saved settings and password, read the server version, detach. */
  async testSource(actor: Actor, sourceId: number): Promise<ConnectionTestResult> {
    const visibility = await this.visibilityOf(actor);
    const source = visibleOr404(await this.repos.sources.get(sourceId), () => seesItem(visibility, 'source', sourceId), 'Source', sourceId);
    const entry: CheckEntry = { action: 'source.test', targetType: 'source', targetId: sourceId };
    await this.mayCheck(actor, entry, `test the connection of source "${source.name}"`);
    const { probe, password } = await this.prepare(actor, entry, source);
    return this.connect(actor, entry, probe, source, password, {});
  }

  /**
   * "Test connection" of settings typed into the source form, before they are saved. Admins only
   * (it is part of editing the catalog, and names any host). `sourceId`: the source being edited,
   * whose stored password is used when the form's password is empty; a new source needs one.
   */
  async testSettings(actor: Actor, input: Input, sourceId?: number): Promise<ConnectionTestResult> {
    let existing: Source | undefined;
    if (sourceId !== undefined) {
      const visibility = await this.visibilityOf(actor);
      existing = visibleOr404(await this.repos.sources.get(sourceId), () => seesItem(visibility, 'source', sourceId), 'Source', sourceId);
    }
    const entry: CheckEntry = { action: 'source.test', targetType: 'source', targetId: sourceId ?? null };
    await this.audit.authorize(actor, 'catalog.write', { ...entry, details: { unsaved: true } });
    const fields = readSource({ ...input, name: input.name || existing?.name || 'new source' });
    const typed = readPassword(input, existing === undefined);
    const settings: Source = { ...fields, id: sourceId ?? 0, secretName: existing?.secretName ?? '' };
    // The stored password goes only where the saved source sends it: a test against another
    // server or account must type it again (else an edited host would receive the secret).
    const moved = existing ? (['host', 'port', 'database', 'user'] as const).filter((key) => String(settings[key]) !== String(existing[key])) : [];
    if (!typed && moved.length > 0) {
      await this.audit.record(actor, { ...entry, outcome: 'refused', details: { unsaved: true, reason: 'password required', changed: moved } });
      throw new ValidationError(`Type the password to test these settings: the ${moved.join(', ')} differ${moved.length === 1 ? 's' : ''} from the saved source, and its stored password is only sent to the saved server and user`, 'password');
    }
    const { probe, password } = await this.prepare(actor, entry, existing ?? settings, typed);
    return this.connect(actor, entry, probe, settings, password, { unsaved: true, host: settings.host, database: settings.database });
  }

  private async connect(actor: Actor, entry: CheckEntry, probe: FirebirdProbe, source: Source, password: string, details: Record<string, unknown>): Promise<ConnectionTestResult> {
    const started = this.now();
    try {
      const info = await this.slot(() => probe.serverInfo(sourceSpecOf(source), password, this.limits));
      const elapsedMs = this.elapsedSince(started);
      const message = `Connected to Firebird ${info.serverVersion} at ${source.host}:${source.port} as ${source.user}, database ${info.databaseName}`;
      await this.audit.record(actor, { ...entry, details: { name: source.name, ...details, elapsedMs, serverVersion: info.serverVersion } });
      return { ok: true, message, elapsedMs, serverVersion: info.serverVersion, databaseName: info.databaseName };
    } catch (err) {
      const failure = this.failure(err, started);
      await this.audit.record(actor, { ...entry, outcome: 'failure', details: { name: source.name, ...details, elapsedMs: failure.elapsedMs, kind: failure.kind, error: failure.message } });
      if (err instanceof ChecksBusy) throw new UnavailableError(err.message);
      return failure;
    }
  }

  /** "Preview first 20 rows": the script's SELECT in a read-only transaction, at most {@link PREVIEW_ROWS} rows. */
  async previewScript(actor: Actor, scriptId: number): Promise<PreviewResult> {
    const visibility = await this.visibilityOf(actor);
    const script: Script = visibleOr404(await this.repos.scripts.get(scriptId), () => seesItem(visibility, 'script', scriptId), 'Script', scriptId);
    const entry: CheckEntry = { action: 'script.preview', targetType: 'script', targetId: scriptId };
    await this.mayCheck(actor, entry, `preview script "${script.name}"`);
    const source = await this.repos.sources.get(script.sourceId);
    if (!source || !seesItem(visibility, 'source', script.sourceId)) {
      await this.audit.record(actor, { ...entry, outcome: 'refused', details: { name: script.name, reason: 'source not granted' } });
      throw new ForbiddenError(`${actor.email} may not preview script "${script.name}": its source is not granted to you`);
    }
    const { probe, password } = await this.prepare(actor, entry, source);
    const started = this.now();
    try {
      const data = await this.slot(() => probe.preview(sourceSpecOf(source), password, { name: script.name, sql: script.sql, keyColumns: script.keyColumns }, PREVIEW_ROWS, this.limits));
      const elapsedMs = this.elapsedSince(started);
      const message = `${data.rows.length === 0 ? 'No rows' : data.rows.length === 1 ? 'The first row' : `The first ${data.rows.length} rows`} of script "${script.name}" (${data.columns.length} columns) from source "${source.name}"`;
      await this.audit.record(actor, { ...entry, details: { name: script.name, sourceId: source.id, elapsedMs, rows: data.rows.length } });
      return { ok: true, message, elapsedMs, columns: data.columns, rows: data.rows };
    } catch (err) {
      const failure = this.failure(err, started);
      await this.audit.record(actor, { ...entry, outcome: 'failure', details: { name: script.name, sourceId: source.id, elapsedMs: failure.elapsedMs, kind: failure.kind, error: failure.message } });
      if (err instanceof ChecksBusy) throw new UnavailableError(err.message);
      return { ...failure, columns: [], rows: [] };
    }
  }

  /** Role rule: reading is not enough (viewers are refused); admins and operators check what they see. */
  private async mayCheck(actor: Actor, entry: CheckEntry, what: string): Promise<void> {
    if (can(actor, 'execution.run')) return;
    await this.audit.record(actor, { ...entry, outcome: 'refused', details: { reason: `role ${actor.role} may not ${what}` } });
    throw new ForbiddenError(`${actor.email} (role ${actor.role}) may not ${what}`);
  }

  /** The probe and the password (typed, else the stored one), or a 503 saying why this control plane cannot check. */
  private async prepare(actor: Actor, entry: CheckEntry, source: Source, typedPassword: string | null = null): Promise<{ probe: FirebirdProbe; password: string }> {
    const refuse = async (message: string): Promise<never> => {
      await this.audit.record(actor, { ...entry, outcome: 'failure', details: { name: source.name, error: message } });
      throw new UnavailableError(message);
    };
    if (!this.probe) return refuse('Connection checks are not available in this control plane');
    if (typedPassword !== null) return { probe: this.probe, password: typedPassword };
    if (!this.secrets) {
      return refuse('This control plane cannot read source passwords (in Kubernetes its Role only writes Secrets), so it cannot test saved connections or preview scripts; an admin can test the settings with the password typed in the source form');
    }
    let password: string;
    try {
      password = await this.secrets.read(source.secretName, SECRET.sourceKey);
    } catch {
      return refuse(`The password of source "${source.name}" is not in the secret store (${source.secretName}); save the source again with its password`);
    }
    return { probe: this.probe, password };
  }

  /** Runs one Firebird call within the concurrency limit. */
  private async slot<T>(call: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) throw new ChecksBusy(this.maxConcurrent);
    this.running++;
    try {
      return await call();
    } finally {
      this.running--;
    }
  }

  private failure(err: unknown, started: number): CheckResult & { ok: false } {
    const elapsedMs = this.elapsedSince(started);
    if (err instanceof ChecksBusy) return { ok: false, message: err.message, elapsedMs, kind: 'busy' };
    // Probe failures carry the extractor's message (already free of the password); anything else is a bug.
    if (err instanceof ProbeFailure) return { ok: false, message: err.message, elapsedMs, kind: err.kind, ...(err.hint ? { hint: err.hint } : {}) };
    this.onError(err, 'catalog check');
    return { ok: false, message: 'The check failed unexpectedly; the details are in the server log', elapsedMs, kind: 'internal' };
  }

  private elapsedSince(started: number): number {
    return Math.round(this.now() - started);
  }
}

/** Too many checks at once in this process: the request is answered 503 (after its audit event). */
class ChecksBusy extends Error {
  constructor(limit: number) {
    super(`${limit} connection checks are already running on this server; try again in a moment`);
  }
}

/**
 * Sources (Firebird connections), scripts (SQL SELECTs) and destinations (BigQuery / Postgres
 * tables): validation, secrets and audit. Passwords go to the secret store through
 * {@link SecretWriter}; the database keeps only the secret's name.
 */
import { DESTINATION_KINDS, FIREBIRD_CHARSETS, WRITE_MODES } from '../../../../../jobs/contract/src/job-spec.js';
import type { DestinationKind } from '../../../../../jobs/contract/src/job-spec.js';
import { authorize, type Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../errors.js';
import type { Destination, Script, Source } from '../model.js';
import { InUseError, type CrudRepository, type Repositories, type SecretWriter } from '../ports.js';
import { bool, integer, list, oneOf, text, timeZone, type Input } from '../validation.js';
import { seesItem, visibleOr404, type ResourceType, type VisibilityOf } from '../permissions/visibility.js';

/** Secret names and keys shared with the runtimes (CONTRACTS: Secret `etl-source-<id>`, key `password`). */
export const SECRET = {
  sourceName: (id: number) => `etl-source-${id}`,
  sourceKey: 'password',
  destinationName: (id: number) => `etl-destination-${id}`,
  destinationKey: 'url',
} as const;

type CatalogKind = 'source' | 'script' | 'destination';

export class CatalogService {
  constructor(
    private readonly repos: Pick<Repositories, 'sources' | 'scripts' | 'destinations' | 'permissions'>,
    private readonly secrets: SecretWriter,
    private readonly audit: AuditTrail,
    private readonly visibilityOf: VisibilityOf,
  ) {}

  // ---- reads: only granted items (admins: all); an item not granted is "not found" -----------

  async listSources(actor: Actor): Promise<Source[]> {
    authorize(actor, 'read');
    return this.repos.sources.list(await this.visibilityOf(actor));
  }
  async getSource(actor: Actor, id: number): Promise<Source> {
    return this.visible(actor, 'source', this.repos.sources, id);
  }
  async listScripts(actor: Actor): Promise<Script[]> {
    authorize(actor, 'read');
    return this.repos.scripts.list(await this.visibilityOf(actor));
  }
  async getScript(actor: Actor, id: number): Promise<Script> {
    return this.visible(actor, 'script', this.repos.scripts, id);
  }
  async listDestinations(actor: Actor): Promise<Destination[]> {
    authorize(actor, 'read');
    return this.repos.destinations.list(await this.visibilityOf(actor));
  }
  async getDestination(actor: Actor, id: number): Promise<Destination> {
    return this.visible(actor, 'destination', this.repos.destinations, id);
  }

  private async visible<T>(actor: Actor, kind: ResourceType, repo: { get(id: number): Promise<T | null> }, id: number): Promise<T> {
    authorize(actor, 'read');
    const visibility = await this.visibilityOf(actor);
    return visibleOr404(await repo.get(id), () => seesItem(visibility, kind, id), capitalize(kind), id);
  }

  /** Changes by id: an item the actor may not see is not found (404) before the role check (403, audited). */
  private async writable<T>(actor: Actor, kind: ResourceType, repo: { get(id: number): Promise<T | null> }, id: number): Promise<T> {
    const item = await this.visible(actor, kind, repo, id);
    await this.audit.authorize(actor, 'catalog.write', { action: `${kind}.update`, targetType: kind, targetId: id });
    return item;
  }

  // ---- sources -----------------------------------------------------------------------------

  async createSource(actor: Actor, input: Input): Promise<Source> {
    await this.audit.authorize(actor, 'catalog.write', { action: 'source.create', targetType: 'source' });
    const fields = readSource(input);
    const password = readPassword(input, true)!;
    await this.assertNameFree(this.repos.sources, 'source', fields.name);
    const created = await this.repos.sources.create({ ...fields, secretName: 'pending' });
    const secretName = SECRET.sourceName(created.id);
    try {
      await this.secrets.put(secretName, SECRET.sourceKey, password);
    } catch (err) {
      await this.repos.sources.delete(created.id);
      throw new UnavailableError(`Could not store the password of source "${fields.name}": ${(err as Error).message}`);
    }
    const source = (await this.repos.sources.update(created.id, { secretName }))!;
    await this.audit.record(actor, { action: 'source.create', targetType: 'source', targetId: source.id, details: { name: source.name, host: source.host, database: source.database } });
    return source;
  }

  async updateSource(actor: Actor, id: number, input: Input): Promise<Source> {
    const existing = await this.writable(actor, 'source', this.repos.sources, id);
    const fields = readSource(input);
    await this.assertNameFree(this.repos.sources, 'source', fields.name, id);
    const password = readPassword(input, false);
    if (password !== null) await this.secrets.put(existing.secretName, SECRET.sourceKey, password);
    const source = (await this.repos.sources.update(id, fields))!;
    await this.audit.record(actor, { action: 'source.update', targetType: 'source', targetId: id, details: { name: source.name, passwordChanged: password !== null } });
    return source;
  }

  async deleteSource(actor: Actor, id: number): Promise<void> {
    const source = await this.deleteItem(actor, 'source', this.repos.sources, id);
    await this.secrets.remove(source.secretName);
  }

  // ---- scripts -----------------------------------------------------------------------------

  async createScript(actor: Actor, input: Input): Promise<Script> {
    await this.audit.authorize(actor, 'catalog.write', { action: 'script.create', targetType: 'script' });
    const fields = await this.readScript(input);
    await this.assertNameFree(this.repos.scripts, 'script', fields.name);
    const script = await this.repos.scripts.create(fields);
    await this.audit.record(actor, { action: 'script.create', targetType: 'script', targetId: script.id, details: { name: script.name, sourceId: script.sourceId } });
    return script;
  }

  async updateScript(actor: Actor, id: number, input: Input): Promise<Script> {
    await this.writable(actor, 'script', this.repos.scripts, id);
    const fields = await this.readScript(input);
    await this.assertNameFree(this.repos.scripts, 'script', fields.name, id);
    const script = (await this.repos.scripts.update(id, fields))!;
    await this.audit.record(actor, { action: 'script.update', targetType: 'script', targetId: id, details: { name: script.name } });
    return script;
  }

  async deleteScript(actor: Actor, id: number): Promise<void> {
    await this.deleteItem(actor, 'script', this.repos.scripts, id);
  }

  // ---- destinations ------------------------------------------------------------------------

  async createDestination(actor: Actor, input: Input): Promise<Destination> {
    await this.audit.authorize(actor, 'catalog.write', { action: 'destination.create', targetType: 'destination' });
    const fields = readDestination(input);
    const url = readPostgresUrl(input, fields.kind, true);
    await this.assertNameFree(this.repos.destinations, 'destination', fields.name);
    let destination = await this.repos.destinations.create({ ...fields, secretName: null });
    if (url !== null) {
      const secretName = SECRET.destinationName(destination.id);
      try {
        await this.secrets.put(secretName, SECRET.destinationKey, url);
      } catch (err) {
        await this.repos.destinations.delete(destination.id);
        throw new UnavailableError(`Could not store the connection URL of destination "${fields.name}": ${(err as Error).message}`);
      }
      destination = (await this.repos.destinations.update(destination.id, { secretName }))!;
    }
    await this.audit.record(actor, { action: 'destination.create', targetType: 'destination', targetId: destination.id, details: { name: destination.name, kind: destination.kind, table: destination.table } });
    return destination;
  }

  async updateDestination(actor: Actor, id: number, input: Input): Promise<Destination> {
    const existing = await this.writable(actor, 'destination', this.repos.destinations, id);
    const fields = readDestination(input);
    await this.assertNameFree(this.repos.destinations, 'destination', fields.name, id);
    const needsUrl = fields.kind === 'postgres' && existing.secretName === null;
    const url = readPostgresUrl(input, fields.kind, needsUrl);
    let secretName = fields.kind === 'postgres' ? existing.secretName : null;
    if (url !== null) {
      secretName = SECRET.destinationName(id);
      await this.secrets.put(secretName, SECRET.destinationKey, url);
    } else if (fields.kind !== 'postgres' && existing.secretName) {
      await this.secrets.remove(existing.secretName);
    }
    const destination = (await this.repos.destinations.update(id, { ...fields, secretName }))!;
    await this.audit.record(actor, { action: 'destination.update', targetType: 'destination', targetId: id, details: { name: destination.name, urlChanged: url !== null } });
    return destination;
  }

  async deleteDestination(actor: Actor, id: number): Promise<void> {
    const destination = await this.deleteItem(actor, 'destination', this.repos.destinations, id);
    if (destination.secretName) await this.secrets.remove(destination.secretName);
  }

  // ---- shared ------------------------------------------------------------------------------

  private async readScript(input: Input): Promise<Omit<Script, 'id'>> {
    const sourceId = integer(input, 'sourceId', 'Source', { min: 1, max: 2147483647 });
    if (!(await this.repos.sources.get(sourceId))) throw new ValidationError(`Source ${sourceId} does not exist`, 'sourceId');
    const sql = text(input, 'sql', 'SQL', { max: 100_000 }).replace(/;\s*$/, '');
    if (!/^\s*(select|with)\b/i.test(sql)) throw new ValidationError('SQL must be a single SELECT (or WITH … SELECT) statement', 'sql');
    return {
      name: text(input, 'name', 'Name', { max: 100 }),
      sourceId,
      sql,
      keyColumns: list(input, 'keyColumns', 'Key columns'),
      watermarkColumn: text(input, 'watermarkColumn', 'Watermark column', { optional: true, max: 63 }),
      allowEmpty: bool(input, 'allowEmpty', false),
    };
  }

  private async assertNameFree<T extends { id: number }>(repo: CrudRepository<T>, kind: CatalogKind | 'schedule', name: string, selfId?: number): Promise<void> {
    const other = await repo.findByName(name);
    if (other && other.id !== selfId) throw new ValidationError(`A ${kind} named "${name}" already exists`, 'name');
  }

  private async deleteItem<T extends { id: number; name: string }>(actor: Actor, kind: CatalogKind, repo: CrudRepository<T>, id: number): Promise<T> {
    const item = await this.visible(actor, kind, repo, id);
    await this.audit.authorize(actor, 'catalog.write', { action: `${kind}.delete`, targetType: kind, targetId: id });
    try {
      await repo.delete(id);
    } catch (err) {
      if (err instanceof InUseError) {
        await this.audit.record(actor, { action: `${kind}.delete`, targetType: kind, targetId: id, outcome: 'refused', details: { reason: err.message } });
        throw new ConflictError(`${capitalize(kind)} "${item.name}" is still used: ${err.message}`);
      }
      throw err;
    }
    // Grants of a deleted item mean nothing any more (ids are never reused, but keep the table clean).
    const revoked = await this.repos.permissions.removeResource(kind, id);
    await this.audit.record(actor, { action: `${kind}.delete`, targetType: kind, targetId: id, details: { name: item.name, grantsRevoked: revoked } });
    return item;
  }
}

export function found<T>(item: T | null, what: string, id: number): T {
  if (!item) throw new NotFoundError(`${what} ${id} not found`);
  return item;
}

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function readSource(input: Input): Omit<Source, 'id' | 'secretName'> {
  const charset = oneOf(input, 'charset', 'Charset', FIREBIRD_CHARSETS, 'UTF8');
  const legacy = text(input, 'legacyCharset', 'Legacy charset', { optional: true, max: 20 });
  if (charset === 'NONE' && !legacy) throw new ValidationError('Charset NONE needs the legacy charset its bytes really are (e.g. WIN1252)', 'legacyCharset');
  const host = text(input, 'host', 'Host', { max: 253 });
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(host)) throw new ValidationError(`Host "${host}" is not a host name or IP address`, 'host');
  return {
    name: text(input, 'name', 'Name', { max: 100 }),
    host,
    port: integer(input, 'port', 'Port', { min: 1, max: 65535, fallback: 3050 }),
    database: text(input, 'database', 'Database (path or alias)', { max: 500 }),
    user: text(input, 'user', 'User', { max: 63 }),
    charset,
    legacyCharset: charset === 'NONE' ? legacy : null,
    timeZone: timeZone(input, 'timeZone', 'Time zone of zoneless timestamps', 'UTC'),
    wireCrypt: oneOf(input, 'wireCrypt', 'Wire encryption', ['required', 'disabled'] as const, 'required'),
  };
}

export function readPassword(input: Input, required: boolean): string | null {
  const raw = input.password;
  if (typeof raw === 'string' && raw !== '') {
    if (raw.length > 200) throw new ValidationError('Password must be at most 200 characters', 'password');
    return raw;
  }
  if (required) throw new ValidationError('Password is required', 'password');
  return null;
}

function readDestination(input: Input): Omit<Destination, 'id' | 'secretName'> {
  const kind: DestinationKind = oneOf(input, 'kind', 'Kind', DESTINATION_KINDS);
  const identifier = (field: string, label: string) => {
    const value = text(input, field, label, { max: 1024 });
    if (!/^[A-Za-z_][A-Za-z0-9_\-]*$/.test(value)) throw new ValidationError(`${label} "${value}" may contain only letters, digits, _ and -, and must not start with a digit`, field);
    return value;
  };
  const bigquery = kind === 'bigquery';
  return {
    name: text(input, 'name', 'Name', { max: 100 }),
    kind,
    projectId: bigquery ? text(input, 'projectId', 'Project', { max: 100 }) : null,
    dataset: bigquery ? identifier('dataset', 'Dataset') : null,
    location: bigquery ? text(input, 'location', 'Location', { optional: true, max: 50 }) : null,
    schema: bigquery ? null : identifier('schema', 'Schema'),
    table: identifier('table', 'Table'),
    writeMode: oneOf(input, 'writeMode', 'Write mode', WRITE_MODES, 'truncate'),
  };
}

function readPostgresUrl(input: Input, kind: DestinationKind, required: boolean): string | null {
  if (kind !== 'postgres') return null;
  const raw = typeof input.connectionUrl === 'string' ? input.connectionUrl.trim() : '';
  if (raw === '') {
    if (required) throw new ValidationError('Connection URL is required for a postgres destination (postgres://user:password@host:5432/database)', 'connectionUrl');
    return null;
  }
  if (!/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(raw)) throw new ValidationError('Connection URL must look like postgres://user:password@host:5432/database', 'connectionUrl');
  return raw;
}

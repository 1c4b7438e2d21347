/**
 * An in-test Kubernetes API server: the real @kubernetes/client-node talks to it over HTTP on
 * 127.0.0.1. It keeps namespaced objects in memory and implements what the runtime relies on:
 * create/get/list/replace/patch (merge, strategic-merge-ish, server-side apply)/delete, label and
 * field selectors, watch from a resourceVersion with bookmarks and 410 Gone after compaction,
 * 404/409, and delete propagation (Background/Foreground remove dependents, Orphan/none keep them).
 * The CronJob and Job controllers are played by tests through {@link FakeControllers}.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fieldMatcher, labelMatcher } from './selectors.js';
import { mergePatch, strategicMergePatch } from './patch.js';
import { discovery, type DiscoverableResource } from './discovery.js';

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
}

interface ResourceType extends DiscoverableResource {
  prefix: string;
}

const RESOURCES: ResourceType[] = [
  { plural: 'cronjobs', kind: 'CronJob', apiVersion: 'batch/v1', prefix: '/apis/batch/v1', shortNames: ['cj'] },
  { plural: 'jobs', kind: 'Job', apiVersion: 'batch/v1', prefix: '/apis/batch/v1' },
  { plural: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', shortNames: ['po'] },
  // Cluster-scoped, for kubectl (scripts/k8s-smoke.sh creates its namespace).
  { plural: 'namespaces', kind: 'Namespace', apiVersion: 'v1', prefix: '/api/v1', clusterScoped: true, shortNames: ['ns'] },
  { plural: 'events', kind: 'Event', apiVersion: 'v1', prefix: '/api/v1' },
  { plural: 'secrets', kind: 'Secret', apiVersion: 'v1', prefix: '/api/v1' },
  { plural: 'leases', kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', prefix: '/apis/coordination.k8s.io/v1' },
];

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: any;
  /** get | list | watch | create | update | patch | delete */
  verb: string;
  plural: string;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  plural: string;
  object: StoredObject;
  rv: number;
}

interface WatchConnection {
  plural: string;
  namespace: string;
  labels: (l: Record<string, string> | undefined) => boolean;
  fields: (o: unknown) => boolean;
  bookmarks: boolean;
  res: http.ServerResponse;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type Interceptor = (request: RecordedRequest) => { code: number; reason: string; message: string } | undefined;

export class FakeApiServer {
  /** plural -> "ns/name" -> object */
  private readonly store = new Map<string, Map<string, StoredObject>>();
  private readonly history: WatchEvent[] = [];
  private readonly watches = new Set<WatchConnection>();
  private readonly podLogs = new Map<string, string>();
  private revision = 1000;
  /** Watches from a resourceVersion older than this get 410 Gone (etcd compaction). */
  private compactedRevision = 0;
  private server?: http.Server;
  readonly requests: RecordedRequest[] = [];
  /** Test hook to fail chosen requests (e.g. 500, 403) before they are served. */
  interceptor?: Interceptor;
  /** Called after every successful write; FakeControllers uses it to react like the real controllers. */
  afterWrite?: (event: WatchEvent) => void;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.sendError(res, err));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- direct access for tests and controller helpers (no HTTP, no request recorded) ----

  get(plural: string, namespace: string, name: string): StoredObject | undefined {
    const obj = this.bucket(plural).get(`${namespace}/${name}`);
    return obj ? structuredClone(obj) : undefined;
  }

  list(plural: string, namespace: string, labelSelector?: string): StoredObject[] {
    const matches = labelMatcher(labelSelector);
    return [...this.bucket(plural).values()].filter((o) => o.metadata.namespace === namespace && matches(o.metadata.labels)).map((o) => structuredClone(o));
  }

  /** Creates an object as a controller would (status allowed). */
  put(plural: string, object: Omit<StoredObject, 'metadata' | 'apiVersion' | 'kind'> & { metadata: Partial<StoredObject['metadata']> & { name: string; namespace: string } }): StoredObject {
    const existing = this.bucket(plural).get(`${object.metadata.namespace}/${object.metadata.name}`);
    const type = RESOURCES.find((r) => r.plural === plural)!;
    const stored = this.save(plural, { apiVersion: type.apiVersion, kind: type.kind, ...structuredClone(object) } as StoredObject, existing);
    return structuredClone(stored);
  }

  /** Changes an object in place (e.g. status) and notifies watchers. */
  update(plural: string, namespace: string, name: string, change: (object: StoredObject) => void): StoredObject {
    const existing = this.bucket(plural).get(`${namespace}/${name}`);
    if (!existing) throw new Error(`${plural} ${namespace}/${name} not found`);
    const next = structuredClone(existing);
    change(next);
    return structuredClone(this.save(plural, next, existing));
  }

  remove(plural: string, namespace: string, name: string, propagation: string | undefined = 'Background'): void {
    const existing = this.bucket(plural).get(`${namespace}/${name}`);
    if (existing) this.deleteObject(plural, existing, propagation);
  }

  setPodLog(namespace: string, pod: string, text: string): void {
    this.podLogs.set(`${namespace}/${pod}`, text);
  }

  /** Forgets watch history up to now: any watch resuming from a resourceVersion seen so far gets 410 Gone. */
  compact(): void {
    this.compactedRevision = ++this.revision;
    this.history.length = 0;
  }

  /** Closes every open watch connection (as an API server restart or load balancer timeout would). */
  dropWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** Sends a BOOKMARK carrying the current resourceVersion to watches that asked for bookmarks. */
  sendBookmarks(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      const type = RESOURCES.find((r) => r.plural === w.plural)!;
      w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion: type.apiVersion, metadata: { resourceVersion: String(this.revision) } } })}\n`);
    }
  }

  get openWatches(): number {
    return this.watches.size;
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Writes recorded since `mark` (an index into `requests`). */
  writesSince(mark = 0): RecordedRequest[] {
    return this.requests.slice(mark).filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb));
  }

  // ---- HTTP ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    const body = raw ? JSON.parse(raw) : undefined;
    const discovered = req.method === 'GET' ? discovery(url.pathname, RESOURCES) : undefined;
    if (discovered) return this.sendJson(res, 200, discovered);
    const route = this.route(url.pathname);
    if (!route) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const { type, namespace, name, subresource } = route;
    const method = req.method ?? 'GET';
    const verb =
      method === 'GET' ? (name ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : 'delete';
    const recorded: RecordedRequest = { method, path: url.pathname, query, contentType, body, verb, plural: type.plural };
    this.requests.push(recorded);
    const injected = this.interceptor?.(recorded);
    if (injected) throw new ApiError(injected.code, injected.reason, injected.message);

    if (subresource === 'log') {
      const pod = this.mustGet(type, namespace, name!);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(this.podLogs.get(`${namespace}/${pod.metadata.name}`) ?? '');
      return;
    }
    switch (verb) {
      case 'get':
        return this.sendJson(res, 200, this.mustGet(type, namespace, name!));
      case 'list':
        return this.sendJson(res, 200, this.listResponse(type, namespace, query));
      case 'watch':
        return this.openWatch(type, namespace, query, res);
      case 'create':
        return this.sendJson(res, 201, this.create(type, namespace, body));
      case 'update':
        return this.sendJson(res, 200, this.replace(type, namespace, name!, body));
      case 'patch':
        return this.sendJson(res, 200, this.patch(type, namespace, name!, body, contentType ?? '', query));
      default:
        return this.sendJson(res, 200, this.deleteRequest(type, namespace, name!, query, body));
    }
  }

  private route(pathname: string): { type: ResourceType; namespace: string; name?: string; subresource?: string } | undefined {
    for (const type of RESOURCES) {
      if (type.clusterScoped) {
        const match = new RegExp(`^${type.prefix}/${type.plural}(?:/([^/]+))?$`).exec(pathname);
        if (match) return { type, namespace: '', name: match[1] };
        continue;
      }
      const match = new RegExp(`^${type.prefix}/namespaces/([^/]+)/${type.plural}(?:/([^/]+))?(?:/([^/]+))?$`).exec(pathname);
      if (match) return { type, namespace: match[1]!, name: match[2], subresource: match[3] };
    }
    return undefined;
  }

  private listResponse(type: ResourceType, namespace: string, query: Record<string, string>) {
    const labels = labelMatcher(query.labelSelector);
    const fields = fieldMatcher(query.fieldSelector);
    let items = [...this.bucket(type.plural).values()].filter((o) => o.metadata.namespace === namespace && labels(o.metadata.labels) && fields(o));
    if (query.limit) items = items.slice(0, Number(query.limit));
    return { kind: `${type.kind}List`, apiVersion: type.apiVersion, metadata: { resourceVersion: String(this.revision) }, items };
  }

  private openWatch(type: ResourceType, namespace: string, query: Record<string, string>, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const from = Number(query.resourceVersion ?? this.revision);
    if (from < this.compactedRevision) {
      // What a real API server does: 200, then one ERROR event with a 410 Status, then close.
      res.end(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.compactedRevision})`) })}\n`);
      return;
    }
    const connection: WatchConnection = {
      plural: type.plural,
      namespace,
      labels: labelMatcher(query.labelSelector),
      fields: fieldMatcher(query.fieldSelector),
      bookmarks: query.allowWatchBookmarks === 'true',
      res,
    };
    for (const event of this.history) if (event.rv > from) this.deliver(connection, event);
    this.watches.add(connection);
    res.on('close', () => this.watches.delete(connection));
  }

  private deliver(connection: WatchConnection, event: WatchEvent): void {
    const obj = event.object;
    if (connection.plural !== event.plural || obj.metadata.namespace !== connection.namespace) return;
    if (!connection.labels(obj.metadata.labels) || !connection.fields(obj)) return;
    connection.res.write(`${JSON.stringify({ type: event.type, object: obj })}\n`);
  }

  private create(type: ResourceType, namespace: string, body: any): StoredObject {
    const name = body?.metadata?.name;
    if (!name) throw new ApiError(422, 'Invalid', `${type.kind} metadata.name: Required value`);
    if (body.metadata.namespace && body.metadata.namespace !== namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the object does not match the namespace on the request');
    if (this.bucket(type.plural).has(`${namespace}/${name}`)) throw new ApiError(409, 'AlreadyExists', `${type.plural} "${name}" already exists`);
    const object = { ...structuredClone(body), apiVersion: type.apiVersion, kind: type.kind } as StoredObject;
    delete object.status;
    object.metadata.namespace = namespace;
    return this.save(type.plural, normalise(type, object), undefined);
  }

  private replace(type: ResourceType, namespace: string, name: string, body: any): StoredObject {
    const existing = this.mustGet(type, namespace, name);
    const sent = body?.metadata?.resourceVersion;
    if (sent && sent !== existing.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const next = { ...structuredClone(body), apiVersion: type.apiVersion, kind: type.kind, status: existing.status } as StoredObject;
    next.metadata = { ...next.metadata, namespace, name, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp };
    return this.save(type.plural, normalise(type, next), existing);
  }

  private patch(type: ResourceType, namespace: string, name: string, body: any, contentType: string, query: Record<string, string>): StoredObject {
    const existing = this.bucket(type.plural).get(`${namespace}/${name}`);
    if (contentType.startsWith('application/apply-patch')) {
      if (!query.fieldManager) throw new ApiError(400, 'BadRequest', 'PATCH with apply-patch requires fieldManager');
      if (!existing) return this.create(type, namespace, { ...body, metadata: { ...body.metadata, name } });
      // Simplified server-side apply: the applier owns the fields it sends; fields it sent before
      // and omits now go away. We model "owns" as: labels, annotations, spec/data/stringData as sent.
      const next = structuredClone(existing);
      next.metadata.labels = { ...(body.metadata?.labels ?? {}) };
      next.metadata.annotations = { ...(body.metadata?.annotations ?? {}) };
      for (const key of ['spec', 'data', 'stringData', 'type']) if (key in body) next[key] = structuredClone(body[key]);
      return this.save(type.plural, normalise(type, next), existing);
    }
    if (!existing) throw new ApiError(404, 'NotFound', `${type.plural} "${name}" not found`);
    let next: StoredObject;
    if (contentType.startsWith('application/merge-patch+json')) next = mergePatch(existing, body) as StoredObject;
    else if (contentType.startsWith('application/strategic-merge-patch+json')) next = strategicMergePatch(existing, body) as StoredObject;
    else throw new ApiError(415, 'UnsupportedMediaType', `the fake API server does not implement ${contentType} patches`);
    next.metadata = { ...next.metadata, name, namespace, uid: existing.metadata.uid };
    return this.save(type.plural, normalise(type, next), existing);
  }

  private deleteRequest(type: ResourceType, namespace: string, name: string, query: Record<string, string>, body: any) {
    const existing = this.mustGet(type, namespace, name);
    const propagation = body?.propagationPolicy ?? query.propagationPolicy;
    if (query.propagationPolicy && body?.propagationPolicy && query.propagationPolicy !== body.propagationPolicy) {
      throw new ApiError(400, 'BadRequest', 'propagationPolicy differs between query and body');
    }
    this.deleteObject(type.plural, existing, propagation);
    return { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: type.plural, uid: existing.metadata.uid } };
  }

  private deleteObject(plural: string, object: StoredObject, propagation: string | undefined): void {
    this.bucket(plural).delete(`${object.metadata.namespace}/${object.metadata.name}`);
    this.record('DELETED', plural, { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.revision) } });
    // batch/v1 Jobs and CronJobs deleted through the API orphan their dependents unless told otherwise.
    if (propagation !== 'Background' && propagation !== 'Foreground') return;
    for (const [childPlural, bucket] of this.store) {
      for (const child of [...bucket.values()]) {
        if (child.metadata.ownerReferences?.some((ref) => ref.uid === object.metadata.uid)) this.deleteObject(childPlural, child, propagation);
      }
    }
  }

  private save(plural: string, object: StoredObject, existing: StoredObject | undefined): StoredObject {
    object.metadata.uid = existing?.metadata.uid ?? object.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? object.metadata.creationTimestamp ?? new Date().toISOString();
    object.metadata.resourceVersion = String(++this.revision);
    if (existing && JSON.stringify(existing.spec) !== JSON.stringify(object.spec)) object.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    else object.metadata.generation = existing?.metadata.generation ?? 1;
    this.bucket(plural).set(`${object.metadata.namespace}/${object.metadata.name}`, object);
    const event = this.record(existing ? 'MODIFIED' : 'ADDED', plural, object);
    this.afterWrite?.(event);
    return object;
  }

  private record(type: WatchEvent['type'], plural: string, object: StoredObject): WatchEvent {
    const event: WatchEvent = { type, plural, object: structuredClone(object), rv: Number(object.metadata.resourceVersion) };
    this.history.push(event);
    for (const w of this.watches) this.deliver(w, event);
    return event;
  }

  private mustGet(type: ResourceType, namespace: string, name: string): StoredObject {
    const object = this.bucket(type.plural).get(`${namespace}/${name}`);
    if (!object) throw new ApiError(404, 'NotFound', `${type.plural}${type.prefix.includes('batch') ? '.batch' : ''} "${name}" not found`);
    return object;
  }

  private bucket(plural: string): Map<string, StoredObject> {
    let bucket = this.store.get(plural);
    if (!bucket) this.store.set(plural, (bucket = new Map()));
    return bucket;
  }

  private sendJson(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private sendError(res: http.ServerResponse, err: unknown): void {
    const apiError = err instanceof ApiError ? err : new ApiError(500, 'InternalError', (err as Error).message);
    if (res.headersSent) return void res.end();
    this.sendJson(res, apiError.code, status(apiError.code, apiError.reason, apiError.message));
  }
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Server-side defaulting the runtime may observe. */
function normalise(type: ResourceType, object: StoredObject): StoredObject {
  if (type.kind === 'Namespace') object.status = { phase: 'Active' };
  if (type.kind === 'Secret' && object.stringData) {
    object.data = { ...(object.data ?? {}) };
    for (const [key, value] of Object.entries(object.stringData as Record<string, string>)) object.data[key] = Buffer.from(value).toString('base64');
    delete object.stringData;
  }
  return object;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

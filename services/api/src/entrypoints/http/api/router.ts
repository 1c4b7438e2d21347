/**
 * JSON API under /api/v1. Thin: reads the request, calls one domain method with the actor, writes
 * JSON. Validation, authorization and every rule live in the domain.
 */
import express, { type Request, type Router } from 'express';
import { DateTime } from 'luxon';
import { EXECUTION_KINDS, EXECUTION_STATUSES, type Execution, type ExecutionKind, type ExecutionStatus } from '../../../domain/model.js';
import type { ExecutionFilter } from '../../../domain/ports.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import type { Services } from '../../../domain/services.js';
import { parseId, type Input } from '../../../domain/validation.js';
import { actorOf } from '../auth.js';
import { CATALOG_KINDS } from '../catalog-kinds.js';
import type { TokenService } from '../../../domain/tokens/token-service.js';
import type { UserDirectory } from '../../../domain/users/user-directory.js';
import { readExecutionLogs, type ExecutionLogSettings } from './execution-logs.js';
import { mountPermissionRoutes } from './admin-routes.js';
import { readAuditFilter } from '../../../domain/audit/audit-log.js';
import { openApiDocument } from '../openapi/document.js';

export function idParam(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError(`No item with id "${String(req.params[name])}"`);
  return id;
}

const body = (req: Request): Input => (req.body && typeof req.body === 'object' ? (req.body as Input) : {});

export function executionJson(e: Execution) {
  const durationMs = e.startedAt && e.finishedAt ? e.finishedAt.getTime() - e.startedAt.getTime() : null;
  return { ...e, durationMs };
}

/** An ISO 8601 instant (`2024-06-01T00:00:00-03:00`, or a date alone = that day's start in UTC). */
function instant(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'UTC' }) : null;
  if (!parsed?.isValid) throw new ValidationError(`${field} must be an ISO 8601 date or date-time, e.g. 2024-06-01 or 2024-06-01T00:00:00-03:00`, field);
  return parsed.toJSDate();
}

/** An id filter: absent → null; anything but a positive integer → 422 (never silently "no filter"). */
function positiveId(value: unknown, field: string): number | null {
  if (value === undefined || value === '') return null;
  const id = parseId(value);
  if (id === null) throw new ValidationError(`${field} must be an id (a positive integer)`, field);
  return id;
}

/** GET /executions filters: status, schedule, kind, creation time range [from, to), keyset cursor. */
export function executionFilter(query: Request['query']): ExecutionFilter & { limit: number } {
  const status = typeof query.status === 'string' && query.status !== '' ? query.status : undefined;
  if (status && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new ValidationError(`status must be one of ${EXECUTION_STATUSES.join(', ')}`, 'status');
  }
  const kind = typeof query.kind === 'string' && query.kind !== '' ? query.kind : undefined;
  if (kind && !(EXECUTION_KINDS as readonly string[]).includes(kind)) throw new ValidationError(`kind must be one of ${EXECUTION_KINDS.join(', ')}`, 'kind');
  const from = instant(query.from, 'from');
  const to = instant(query.to, 'to');
  if (from && to && to <= from) throw new ValidationError('to must be later than from', 'to');
  const scheduleId = positiveId(query.scheduleId, 'scheduleId');
  const before = positiveId(query.before, 'before');
  const after = before ? null : positiveId(query.after, 'after');
  const limitRaw = Number(query.limit ?? 50);
  const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50;
  return {
    ...(status ? { status: status as ExecutionStatus } : {}),
    ...(scheduleId ? { scheduleId } : {}),
    ...(kind ? { kind: kind as ExecutionKind } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    limit,
  };
}

type Actor = ReturnType<typeof actorOf>;

/** The five operations every collection (catalog kinds, schedules) offers. */
interface CrudHandlers<T> {
  list(actor: Actor): Promise<T[]>;
  get(actor: Actor, id: number): Promise<T>;
  create(actor: Actor, input: Input): Promise<T>;
  update(actor: Actor, id: number, input: Input): Promise<T>;
  remove(actor: Actor, id: number): Promise<void>;
}

function crud<T>(router: Router, path: string, routes: CrudHandlers<T>): void {
  router.get(path, async (req, res) => {
    res.json({ items: await routes.list(actorOf(req)) });
  });
  router.post(path, async (req, res) => {
    res.status(201).json(await routes.create(actorOf(req), body(req)));
  });
  router.get(`${path}/:id`, async (req, res) => {
    res.json(await routes.get(actorOf(req), idParam(req)));
  });
  router.put(`${path}/:id`, async (req, res) => {
    res.json(await routes.update(actorOf(req), idParam(req), body(req)));
  });
  router.delete(`${path}/:id`, async (req, res) => {
    await routes.remove(actorOf(req), idParam(req));
    res.status(204).end();
  });
}

/** Adapters and services beyond the domain core the API offers when they are wired. */
export interface ApiDependencies extends Partial<ExecutionLogSettings> {
  tokens?: TokenService;
  directory?: UserDirectory;
}

const queryString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function limitOf(query: Request['query'], fallback = 50, max = 200): number {
  const raw = Number(query.limit ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, max) : fallback;
}

export function apiRouter(services: Services, deps: ApiDependencies = {}): Router {
  const router = express.Router();
  const { schedules, executions } = services;

  const openApi = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  router.get('/session', (req, res) => {
    res.json({ user: actorOf(req), csrfToken: res.locals._csrf as string });
  });

  for (const kind of CATALOG_KINDS) {
    crud(router, `/${kind.path}`, {
      list: (a) => kind.list(services, a),
      get: (a, id) => kind.get(services, a, id),
      create: (a, i) => kind.create(services, a, i),
      update: (a, id, i) => kind.update(services, a, id, i),
      remove: (a, id) => kind.remove(services, a, id),
    });
  }

  // Catalog checks: a Firebird failure is a result ({ ok: false, message }), not an HTTP error.
  // With a body (source fields), the settings are tested before they are saved (admins).
  router.post('/sources/test', async (req, res) => {
    res.json(await services.catalogChecks.testSettings(actorOf(req), body(req)));
  });
  router.post('/sources/:id/test', async (req, res) => {
    const input = body(req);
    const id = idParam(req);
    // Settings in the body (a host, as the form sends) → test them before saving; otherwise the saved source.
    // The same rule as the page route, so a stray field does not turn an operator's test into an admin-only one.
    res.json('host' in input ? await services.catalogChecks.testSettings(actorOf(req), input, id) : await services.catalogChecks.testSource(actorOf(req), id));
  });
  router.post('/scripts/:id/preview', async (req, res) => {
    res.json(await services.catalogChecks.previewScript(actorOf(req), idParam(req)));
  });

  router.get('/schedules/preview', (req, res) => {
    const cron = String(req.query.cron ?? '');
    const timeZone = String(req.query.timeZone ?? 'UTC');
    res.json(schedules.preview(cron, timeZone, 10));
  });
  crud(router, '/schedules', {
    list: (a) => schedules.list(a),
    get: (a, id) => schedules.get(a, id),
    create: (a, i) => schedules.create(a, i),
    update: (a, id, i) => schedules.update(a, id, i),
    remove: (a, id) => schedules.delete(a, id),
  });
  router.post('/schedules/:id/activate', async (req, res) => {
    res.json(await schedules.setActive(actorOf(req), idParam(req), true));
  });
  router.post('/schedules/:id/deactivate', async (req, res) => {
    res.json(await schedules.setActive(actorOf(req), idParam(req), false));
  });
  router.post('/schedules/:id/run', async (req, res) => {
    const execution = await executions.runSchedule(actorOf(req), idParam(req));
    res.status(202).location(`/api/v1/executions/${execution.id}`).json(executionJson(execution));
  });

  router.get('/executions', async (req, res) => {
    const filter = executionFilter(req.query);
    // One row more than asked tells whether another page exists in the paging direction.
    const rows = await executions.list(actorOf(req), { ...filter, limit: filter.limit + 1 });
    const more = rows.length > filter.limit;
    // `after` pages towards newer runs (rows come newest first, the extra one on top).
    const items = filter.after ? rows.slice(more ? 1 : 0) : rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    const first = items[0];
    res.json({
      items: items.map(executionJson),
      nextBefore: filter.after ? (last ? last.id : null) : more && last ? last.id : null,
      ...(filter.after ? { nextAfter: more && first ? first.id : null } : {}),
    });
  });
  router.post('/executions', async (req, res) => {
    const execution = await executions.runAdHoc(actorOf(req), body(req));
    res.status(202).location(`/api/v1/executions/${execution.id}`).json(executionJson(execution));
  });
  router.get('/executions/:id', async (req, res) => {
    res.json(executionJson(await executions.get(actorOf(req), idParam(req))));
  });
  router.post('/executions/:id/stop', async (req, res) => {
    res.json(executionJson(await executions.stop(actorOf(req), idParam(req))));
  });
  router.get('/executions/:id/logs', async (req, res) => {
    const settings: ExecutionLogSettings = { runtimeKind: deps.runtimeKind ?? 'local', ...deps };
    const severity = queryString(req.query.severity);
    const pageToken = queryString(req.query.pageToken);
    const since = parseId(req.query.since) ?? 0;
    res.json(await readExecutionLogs(services, settings, actorOf(req), idParam(req), { ...(severity ? { severity } : {}), ...(pageToken ? { pageToken } : {}), since }));
  });

  const { directory, tokens } = deps;
  if (directory) {
    router.get('/users', async (req, res) => {
      res.json({ items: await directory.list(actorOf(req)) });
    });
    router.get('/users/me', async (req, res) => {
      const actor = actorOf(req);
      res.json(actor.userId === null ? { id: null, email: actor.email, role: actor.role } : await directory.get(actor, actor.userId));
    });
    router.get('/users/:id', async (req, res) => {
      res.json(await directory.get(actorOf(req), idParam(req)));
    });
    router.get('/permissions', (req, res) => {
      res.json(directory.permissions(actorOf(req)));
    });
    router.get('/audit', async (req, res) => {
      const filter = readAuditFilter(req.query); // user, action, targetType, targetId, outcome, from, to
      const items = await services.auditLog.search(actorOf(req), filter);
      const last = items[items.length - 1];
      res.json({ items, nextBefore: items.length === filter.limit && last ? Number(last.id) : null });
    });
  }
  if (tokens) {
    router.get('/tokens', async (req, res) => {
      res.json({ items: await tokens.list(actorOf(req)) });
    });
    router.post('/tokens', async (req, res) => {
      const { token, secret } = await tokens.create(actorOf(req), body(req));
      res.status(201).json({ ...token, token: secret });
    });
    router.delete('/tokens/:id', async (req, res) => {
      res.json(await tokens.revoke(actorOf(req), idParam(req)));
    });
  }

  mountPermissionRoutes(router, services);

  router.use((_req, res) => {
    res.status(404).json({ error: { code: 'not-found', message: 'No such API route' } });
  });
  return router;
}

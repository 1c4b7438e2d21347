/**
 * JSON API under /api/v1. Thin: reads the request, calls one domain method with the actor, writes
 * JSON. Validation, authorization and every rule live in the domain.
 */
import express, { type Request, type Router } from 'express';
import { EXECUTION_STATUSES, type Execution, type ExecutionStatus } from '../../../domain/model.js';
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

export function executionFilter(query: Request['query']) {
  const status = typeof query.status === 'string' && query.status !== '' ? query.status : undefined;
  if (status && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new ValidationError(`status must be one of ${EXECUTION_STATUSES.join(', ')}`, 'status');
  }
  const scheduleId = query.scheduleId ? parseId(query.scheduleId) : null;
  const before = query.before ? parseId(query.before) : null;
  const limitRaw = Number(query.limit ?? 50);
  const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50;
  return {
    ...(status ? { status: status as ExecutionStatus } : {}),
    ...(scheduleId ? { scheduleId } : {}),
    ...(before ? { before } : {}),
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
    res.json(Object.keys(input).length > 0 ? await services.catalogChecks.testSettings(actorOf(req), input, id) : await services.catalogChecks.testSource(actorOf(req), id));
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
    const items = await executions.list(actorOf(req), filter);
    const last = items[items.length - 1];
    res.json({ items: items.map(executionJson), nextBefore: items.length === filter.limit && last ? last.id : null });
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

/**
 * Server-rendered pages (Pug + Bootstrap from the app). Forms post back with the CSRF token;
 * a rule the domain refuses re-renders the form with the message, other outcomes redirect with a
 * flash message.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { can, type Actor } from '../../../domain/auth/actor.js';
import { DomainError } from '../../../domain/errors.js';
import { EXECUTION_STATUSES, isActive, type Schedule } from '../../../domain/model.js';
import type { Services } from '../../../domain/services.js';
import type { Input } from '../../../domain/validation.js';
import { FIREBIRD_CHARSETS, WRITE_MODES, DESTINATION_KINDS } from '../../../../../../jobs/contract/src/job-spec.js';
import { executionFilter, idParam } from '../api/router.js';
import { actorOf } from '../auth.js';
import { CATALOG_KINDS } from '../catalog-kinds.js';
import { describeError } from '../errors.js';
import { formatDuration, formatTime, statusBadge } from './format.js';
import { readExecutionLogs, type ExecutionLogSettings } from '../api/execution-logs.js';
import { SEVERITIES } from '../../../../../../jobs/contract/src/log-entry.js';

type Handler = (req: Request, res: Response) => Promise<void>;

function flash(req: Request, kind: 'success' | 'danger', message: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, message }];
}

/** Runs a form action: domain refusals become a flash message on the page the user came back to. */
function action(run: (req: Request) => Promise<string>, fallback: (req: Request) => string): Handler {
  return async (req, res) => {
    try {
      const message = await run(req);
      flash(req, 'success', message);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      flash(req, 'danger', err.message);
    }
    res.redirect(fallback(req));
  };
}

const body = (req: Request): Input => (req.body && typeof req.body === 'object' ? (req.body as Input) : {});

export function pagesRouter(services: Services, logSettings: ExecutionLogSettings = { runtimeKind: 'local' }): Router {
  const router = express.Router();
  const { catalog, schedules, executions } = services;

  // Locals every view uses.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const actor = actorOf(req);
    res.locals.actor = actor;
    res.locals.can = (a: Parameters<typeof can>[1]) => can(actor, a);
    res.locals.csrfToken = res.locals._csrf;
    res.locals.flash = req.session.flash ?? [];
    res.locals.formatTime = formatTime;
    res.locals.formatDuration = formatDuration;
    res.locals.statusBadge = statusBadge;
    req.session.flash = [];
    next();
  });

  const scheduleMap = async (actor: Actor) => new Map((await schedules.list(actor)).map((s) => [s.id, s]));

  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const filter = executionFilter(req.query);
    const [items, byId] = await Promise.all([executions.list(actor, filter), scheduleMap(actor)]);
    const last = items[items.length - 1];
    res.render(req.query.fragment === 'executions' ? 'executions-table' : 'dashboard', {
      title: 'Dashboard',
      executions: items,
      schedules: byId,
      statuses: EXECUTION_STATUSES,
      filter,
      nextBefore: items.length === filter.limit && last ? last.id : null,
    });
  });

  router.get('/executions/:id', async (req, res) => {
    const actor = actorOf(req);
    const execution = await executions.get(actor, idParam(req));
    const schedule = execution.scheduleId ? await schedules.get(actor, execution.scheduleId).catch(() => null) : null;
    // The summary always shows; when the lines cannot be read the page says why instead.
    const severity = typeof req.query.severity === 'string' && (SEVERITIES as readonly string[]).includes(req.query.severity) ? req.query.severity : '';
    const result = await readExecutionLogs(services, logSettings, actor, execution.id, severity ? { severity } : {}).catch(
      (err: Error) => ({ ok: false as const, reason: 'failed' as const, message: `Reading the log failed: ${err.message}` }),
    );
    const logs = result.ok ? result.lines : [];
    const logsFailure = result.ok ? null : { reason: result.reason, message: result.message };
    const consoleUrl = 'consoleUrl' in result ? result.consoleUrl : undefined;
    res.render('execution', { title: `Execution ${execution.id}`, execution, schedule, logs, logsFailure, logSource: result.ok ? result.source : null, consoleUrl, severity, severities: SEVERITIES, active: isActive(execution.status), zone: schedule?.timeZone ?? 'UTC' });
  });
  router.post('/executions/:id/stop', action(async (req) => {
    const execution = await executions.stop(actorOf(req), idParam(req));
    return `Execution ${execution.id} stopped (status ${execution.status})`;
  }, (req) => `/executions/${String(req.params.id)}`));

  // ---- schedules --------------------------------------------------------------------------
  router.get('/schedules', async (req, res) => {
    const actor = actorOf(req);
    const list = await schedules.list(actor);
    res.render('schedules', { title: 'Schedules', schedules: list, nextRun: (s: Schedule) => schedules.nextRun(s) });
  });

  const scheduleForm = async (req: Request, res: Response, values: Input, error: string | null, status = 200) => {
    const actor = actorOf(req);
    const [sources, scripts, destinations] = await Promise.all([catalog.listSources(actor), catalog.listScripts(actor), catalog.listDestinations(actor)]);
    let preview: ReturnType<typeof schedules.preview> | null = null;
    if (typeof values.cron === 'string' && values.cron) preview = schedules.preview(values.cron, String(values.timeZone || 'UTC'), 5);
    res.status(status).render('schedule-form', { title: values.id ? 'Edit schedule' : 'New schedule', values, error, sources, scripts, destinations, preview });
  };
  router.get('/schedules/new', async (req, res) => scheduleForm(req, res, { cron: '0 2 * * *', timeZone: 'UTC', maxRuntimeSeconds: 3600, active: true }, null));
  router.get('/schedules/:id/edit', async (req, res) => scheduleForm(req, res, { ...(await schedules.get(actorOf(req), idParam(req))) }, null));
  const saveSchedule = (update: boolean): Handler => async (req, res) => {
    const input = body(req);
    try {
      const schedule = update ? await schedules.update(actorOf(req), idParam(req), input) : await schedules.create(actorOf(req), input);
      flash(req, 'success', `Schedule "${schedule.name}" saved`);
      res.redirect('/schedules');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await scheduleForm(req, res, { ...input, ...(update ? { id: req.params.id } : {}) }, err.message, describeError(err).status);
    }
  };
  router.post('/schedules', saveSchedule(false));
  router.post('/schedules/:id', saveSchedule(true));
  router.post('/schedules/:id/delete', action(async (req) => {
    await schedules.delete(actorOf(req), idParam(req));
    return 'Schedule deleted';
  }, () => '/schedules'));
  router.post('/schedules/:id/activate', action(async (req) => `Schedule "${(await schedules.setActive(actorOf(req), idParam(req), true)).name}" activated`, () => '/schedules'));
  router.post('/schedules/:id/deactivate', action(async (req) => `Schedule "${(await schedules.setActive(actorOf(req), idParam(req), false)).name}" deactivated`, () => '/schedules'));
  router.post('/schedules/:id/run', async (req, res) => {
    try {
      const execution = await executions.runSchedule(actorOf(req), idParam(req));
      flash(req, 'success', `Execution ${execution.id} started`);
      res.redirect(`/executions/${execution.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      flash(req, 'danger', err.message);
      res.redirect('/schedules');
    }
  });

  // ---- catalog ----------------------------------------------------------------------------
  router.get('/catalog', async (req, res) => {
    const actor = actorOf(req);
    const [sources, scripts, destinations] = await Promise.all([catalog.listSources(actor), catalog.listScripts(actor), catalog.listDestinations(actor)]);
    res.render('catalog', { title: 'Catalog', sources, scripts, destinations });
  });
  for (const kind of CATALOG_KINDS) {
    const form = async (req: Request, res: Response, values: object, error: string | null, status = 200) => {
      const sources = await catalog.listSources(actorOf(req));
      res.status(status).render(kind.view, {
        title: `${'id' in values && values.id ? 'Edit' : 'New'} ${kind.title.toLowerCase()}`,
        values, error, sources, charsets: FIREBIRD_CHARSETS, writeModes: WRITE_MODES, kinds: DESTINATION_KINDS,
      });
    };
    router.get(`/${kind.path}/new`, async (req, res) => form(req, res, {}, null));
    router.get(`/${kind.path}/:id/edit`, async (req, res) => form(req, res, await kind.get(services, actorOf(req), idParam(req)), null));
    const save = (update: boolean): Handler => async (req, res) => {
      const input = body(req);
      try {
        const item = update ? await kind.update(services, actorOf(req), idParam(req), input) : await kind.create(services, actorOf(req), input);
        flash(req, 'success', `${kind.title} "${item.name}" saved`);
        res.redirect('/catalog');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const { password: _p, connectionUrl: _u, ...safe } = input; // never echo secrets back into the page
        await form(req, res, { ...safe, ...(update ? { id: req.params.id } : {}) }, err.message, describeError(err).status);
      }
    };
    router.post(`/${kind.path}`, save(false));
    router.post(`/${kind.path}/:id`, save(true));
    router.post(`/${kind.path}/:id/delete`, action(async (req) => {
      await kind.remove(services, actorOf(req), idParam(req));
      return `${kind.title} deleted`;
    }, () => '/catalog'));
  }

  return router;
}

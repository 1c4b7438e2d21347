/**
 * Server-rendered pages (Pug + Bootstrap from the app). Forms post back with the CSRF token;
 * a rule the domain refuses re-renders the form with the message, other outcomes redirect with a
 * flash message.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { can, type Actor } from '../../../domain/auth/actor.js';
import { DomainError, ValidationError } from '../../../domain/errors.js';
import { EXECUTION_KINDS, EXECUTION_STATUSES, executionKind, isActive, type Schedule } from '../../../domain/model.js';
import type { Services } from '../../../domain/services.js';
import type { FormChoices } from '../../../domain/permissions/permission-service.js';
import { parseId, type Input } from '../../../domain/validation.js';
import { FIREBIRD_CHARSETS, WRITE_MODES, DESTINATION_KINDS } from '../../../../../../jobs/contract/src/job-spec.js';
import { idParam } from '../api/router.js';
import { actorOf } from '../auth.js';
import { CATALOG_KINDS } from '../catalog-kinds.js';
import { describeError } from '../errors.js';
import { flash, takeFlash } from '../flash.js';
import { formatDuration, formatLogTime, formatTime, neverRan, statusBadge, timeParts } from './format.js';
import { dashboardForm, dashboardUrl, parseDashboardQuery } from './dashboard.js';
import { scheduleCharts } from './chart.js';
import { viewerZone } from './viewer-zone.js';
import { readExecutionLogs, type ExecutionLogSettings } from '../api/execution-logs.js';
import { SEVERITIES } from '../../../../../../jobs/contract/src/log-entry.js';
import { catalogChecksRouter } from './catalog-checks.js';

type Handler = (req: Request, res: Response) => Promise<void>;

/** Lines the execution page shows (and follows); the full log view has them all. */
const LOG_TAIL_LINES = 200;
/** Runs the schedule form previews (issue 5: the next 10). */
const PREVIEW_RUNS = 10;
/** The schedule form's time zone suggestions (the input takes any IANA zone). */
const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
/** Runs the dashboard's per-schedule chart shows. */
const CHART_RUNS = 30;

/**
 * Form options from the granted choices: sources, and every granted script / destination with the
 * source it goes with, so public/app.js can narrow the lists to the chosen source.
 */
function formChoices(choices: FormChoices) {
  const scripts = choices.sources.flatMap((source) => source.scripts.map((s) => ({ ...s, sourceId: source.id })));
  const destinations = new Map<number, { id: number; name: string; sourceIds: number[] }>();
  for (const source of choices.sources) {
    for (const d of source.destinations) {
      const entry = destinations.get(d.id) ?? { ...d, sourceIds: [] };
      entry.sourceIds.push(source.id);
      destinations.set(d.id, entry);
    }
  }
  return { sources: choices.sources.map(({ id, name }) => ({ id, name })), scripts, destinations: [...destinations.values()] };
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
    res.locals.formatTime = formatTime;
    res.locals.formatLogTime = formatLogTime;
    res.locals.timeParts = timeParts;
    res.locals.neverRan = neverRan;
    res.locals.formatDuration = formatDuration;
    res.locals.statusBadge = statusBadge;
    res.locals.zone = viewerZone(req);
    // Background requests (row refresh, cron preview) leave the messages to the next full page.
    if (req.query.fragment === undefined && req.path !== '/schedules/preview') {
      res.locals.flash = takeFlash(req);
    }
    next();
  });

  const scheduleMap = async (actor: Actor) => new Map((await schedules.list(actor)).map((s) => [s.id, s]));

  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const zone = res.locals.zone as string;
    const fragment = req.query.fragment === 'rows';
    let parsed: ReturnType<typeof parseDashboardQuery>;
    try {
      parsed = parseDashboardQuery(req.query, zone);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // A filter that does not parse: the form again with what was typed and why, no rows.
      const form = dashboardForm(req.query);
      res.status(422).render(fragment ? 'executions-rows' : 'dashboard', {
        title: 'Dashboard', executions: [], schedules: await scheduleMap(actor), statuses: EXECUTION_STATUSES, kinds: EXECUTION_KINDS,
        kindOf: executionKind, form, filterError: err.message, charts: null, fragmentUrl: null, firstUrl: '/', olderUrl: null, newerUrl: null,
      });
      return;
    }
    const { filter, form } = parsed;
    // One extra row tells whether another page exists in the paging direction.
    const [rows, byId, chartRuns] = await Promise.all([
      executions.list(actor, { ...filter, limit: filter.limit + 1 }),
      scheduleMap(actor),
      filter.scheduleId && !fragment ? executions.list(actor, { scheduleId: filter.scheduleId, limit: CHART_RUNS }) : Promise.resolve(null),
    ]);
    const more = rows.length > filter.limit;
    // Newer pages come newest first with the extra row on top; older pages have it at the bottom.
    const items = filter.after ? rows.slice(more ? 1 : 0) : rows.slice(0, filter.limit);
    const first = items[0];
    const last = items[items.length - 1];
    // Going newer from `after` there is always an older page (the cursor row itself); going
    // older from `before`, a newer one.
    const hasOlder = filter.after ? Boolean(last) : more;
    const hasNewer = filter.after ? more : Boolean(filter.before);
    const cursor: Record<string, number> = filter.before ? { before: filter.before } : filter.after ? { after: filter.after } : {};
    res.render(fragment ? 'executions-rows' : 'dashboard', {
      title: 'Dashboard',
      executions: items,
      schedules: byId,
      statuses: EXECUTION_STATUSES,
      kinds: EXECUTION_KINDS,
      kindOf: executionKind,
      form,
      filterError: null,
      charts: chartRuns ? scheduleCharts(chartRuns) : null,
      fragmentUrl: dashboardUrl(form, { ...cursor, fragment: 'rows' }),
      firstUrl: dashboardUrl(form),
      olderUrl: hasOlder && last ? dashboardUrl(form, { before: last.id }) : null,
      newerUrl: hasNewer && first ? dashboardUrl(form, { after: first.id }) : null,
    });
  });

  /** The execution, its schedule and its log lines; when the lines cannot be read, why (the rest of the page still shows). */
  const executionWithLogs = async (req: Request) => {
    const actor = actorOf(req);
    const execution = await executions.get(actor, idParam(req));
    const schedule = execution.scheduleId ? await schedules.get(actor, execution.scheduleId).catch(() => null) : null;
    const severity = typeof req.query.severity === 'string' && (SEVERITIES as readonly string[]).includes(req.query.severity) ? req.query.severity : '';
    const pageToken = typeof req.query.pageToken === 'string' ? req.query.pageToken : '';
    const result = await readExecutionLogs(services, logSettings, actor, execution.id, { ...(severity ? { severity } : {}), ...(pageToken ? { pageToken } : {}) }).catch(
      (err: Error) => ({ ok: false as const, reason: 'failed' as const, message: `Reading the log failed: ${err.message}` }),
    );
    return {
      execution,
      schedule,
      kind: executionKind(execution),
      params: Object.entries(execution.params).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })),
      logs: result.ok ? result.lines : [],
      logsFailure: result.ok ? null : { reason: result.reason, message: result.message },
      logSource: result.ok ? result.source : null,
      nextPageToken: result.ok ? result.nextPageToken ?? null : null,
      consoleUrl: 'consoleUrl' in result ? result.consoleUrl : undefined,
      severity,
      severities: SEVERITIES,
      active: isActive(execution.status),
    };
  };
  router.get('/executions/:id', async (req, res) => {
    const view = await executionWithLogs(req);
    // The page shows the tail; the full view has every line.
    const shown = view.logs.slice(-LOG_TAIL_LINES);
    res.render('execution', { title: `Execution ${view.execution.id}`, ...view, logs: shown, totalLines: view.logs.length });
  });
  router.get('/executions/:id/logs', async (req, res) => {
    const view = await executionWithLogs(req);
    res.render('execution-logs', { title: `Log of execution ${view.execution.id}`, ...view });
  });
  router.post('/executions/:id/stop', action(async (req) => {
    const execution = await executions.stop(actorOf(req), idParam(req));
    return isActive(execution.status)
      ? `Stop of execution ${execution.id} requested; it is still shutting down (status ${execution.status})`
      : `Execution ${execution.id} stopped (status ${execution.status})`;
  }, (req) => `/executions/${String(req.params.id)}`));

  // ---- schedules --------------------------------------------------------------------------
  router.get('/schedules', async (req, res) => {
    const actor = actorOf(req);
    const list = await schedules.list(actor);
    // Last run per schedule: one index probe each (executions_schedule_id), schedules are few.
    const lastRuns = new Map(await Promise.all(list.map(async (s) => [s.id, (await executions.list(actor, { scheduleId: s.id, limit: 1 }))[0] ?? null] as const)));
    res.render('schedules', { title: 'Schedules', schedules: list, lastRuns, nextRun: (s: Schedule) => schedules.nextRun(s) });
  });

  // The form's live cron preview (public/app.js asks as the user types); the same text the form shows on submit.
  router.get('/schedules/preview', (req, res) => {
    const cron = typeof req.query.cron === 'string' ? req.query.cron.trim() : '';
    const timeZone = typeof req.query.timeZone === 'string' && req.query.timeZone ? req.query.timeZone : 'UTC';
    res.json({ timeZone, ...(cron ? schedules.preview(cron, timeZone, PREVIEW_RUNS) : { ok: false, error: 'Enter a cron expression' }) });
  });

  const scheduleForm = async (req: Request, res: Response, values: Input, error: string | null, status = 200) => {
    const actor = actorOf(req);
    const choices = await services.permissions.choices(actor);
    const previewZone = typeof values.timeZone === 'string' && values.timeZone ? values.timeZone : 'UTC';
    const preview = typeof values.cron === 'string' && values.cron ? schedules.preview(values.cron, previewZone, PREVIEW_RUNS) : null;
    res.status(status).render('schedule-form', { title: values.id ? 'Edit schedule' : 'New schedule', values, error, ...formChoices(choices), preview, previewZone, timeZones: TIME_ZONES });
  };
  router.get('/schedules/new', async (req, res) => scheduleForm(req, res, { cron: '0 2 * * *', timeZone: res.locals.zone as string, maxRuntimeSeconds: 3600, active: true }, null));
  router.get('/schedules/:id/edit', async (req, res) => scheduleForm(req, res, { ...(await schedules.get(actorOf(req), idParam(req))) }, null));
  const saveSchedule = (update: boolean): Handler => async (req, res) => {
    const input = body(req);
    try {
      const schedule = update ? await schedules.update(actorOf(req), idParam(req), input) : await schedules.create(actorOf(req), input);
      // The preview's warnings again on save, for whoever submitted without reading them.
      const preview = schedules.preview(schedule.cron, schedule.timeZone, 1);
      const warnings = preview.ok ? preview.warnings : [];
      flash(req, 'success', `Schedule "${schedule.name}" saved${warnings.length ? `. Note: ${warnings.join(' ')}` : ''}`);
      res.redirect('/schedules');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await scheduleForm(req, res, { ...input, ...(update ? { id: req.params.id } : {}) }, err.message, describeError(err).status);
    }
  };
  router.post('/schedules', saveSchedule(false));
  router.post('/schedules/:id', saveSchedule(true));
  router.post('/schedules/:id/delete', action(async (req) => {
    const schedule = await schedules.get(actorOf(req), idParam(req));
    await schedules.delete(actorOf(req), schedule.id);
    return `Schedule "${schedule.name}" deleted`;
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

  // ---- manual run ---------------------------------------------------------------------------
  router.get('/run', async (req, res) => {
    const actor = actorOf(req);
    const [list, choices] = await Promise.all([schedules.list(actor), services.permissions.choices(actor)]);
    res.render('run', { title: 'Run', schedules: list, ...formChoices(choices), values: { ...req.query } });
  });
  // A schedule (scheduleId) or, ad hoc, a source + script + destination.
  router.post('/run', async (req, res) => {
    const input = body(req);
    const scheduleId = typeof input.scheduleId === 'string' && input.scheduleId !== '' ? input.scheduleId : null;
    try {
      if (scheduleId) {
        const id = parseId(scheduleId);
        if (id === null) throw new ValidationError('Choose a schedule', 'scheduleId');
        const execution = await executions.runSchedule(actorOf(req), id);
        flash(req, 'success', `Execution ${execution.id} started`);
        res.redirect(`/executions/${execution.id}`);
        return;
      }
      const execution = await executions.runAdHoc(actorOf(req), input);
      flash(req, 'success', `Execution ${execution.id} started (ad hoc)`);
      res.redirect(`/executions/${execution.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      flash(req, 'danger', err.message);
      const { sourceId, scriptId, destinationId } = input;
      const back: Record<string, string> = scheduleId ? { scheduleId } : { sourceId: String(sourceId ?? ''), scriptId: String(scriptId ?? ''), destinationId: String(destinationId ?? '') };
      res.redirect(`/run?${new URLSearchParams(back)}`);
    }
  });

  // ---- catalog ----------------------------------------------------------------------------
  router.use(catalogChecksRouter(services)); // POST /sources/:id/test, /scripts/:id/preview
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

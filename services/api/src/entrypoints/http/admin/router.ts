/**
 * Admin pages: users (role, active), one user's permissions editor (checkboxes of sources,
 * scripts, destinations) and the audit log (filter by user, action, target and date; times in the
 * viewer's zone, zone named). Mounted at /admin. Every rule is the domain's: a non-admin gets the
 * domain's 403 through the app's error page; changes come back as flash messages.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ROLES } from '../../../domain/auth/actor.js';
import { readAuditFilter } from '../../../domain/audit/audit-log.js';
import { DomainError } from '../../../domain/errors.js';
import { RESOURCE_TYPES } from '../../../domain/permissions/visibility.js';
import type { Services } from '../../../domain/services.js';
import type { Input } from '../../../domain/validation.js';
import { idParam } from '../api/router.js';
import { actorOf } from '../auth.js';
import { flash, takeFlash } from '../flash.js';
import { formatTime } from '../pages/format.js';
import { viewerZone } from '../pages/viewer-zone.js';

export const ADMIN_PATH = '/admin';

const body = (req: Request): Input => (req.body && typeof req.body === 'object' ? (req.body as Input) : {});

/** A form post: the outcome (or the domain's refusal) becomes a flash message on `back`. */
function action(run: (req: Request) => Promise<string>, back: (req: Request) => string) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      flash(req, 'success', await run(req));
    } catch (err) {
      // A role refusal is the 403 error page (nobody but an admin has a form here); rule breaks
      // (your own account, an unknown id) come back as a message.
      if (!(err instanceof DomainError) || err.code === 'forbidden') throw err;
      flash(req, 'danger', err.message);
    }
    res.redirect(back(req));
  };
}

export function adminRouter(services: Services): Router {
  const router = express.Router();
  const { users, permissions, catalog, auditLog } = services;

  router.use((req: Request, res: Response, next: NextFunction) => {
    const zone = viewerZone(req);
    res.locals.actor = actorOf(req);
    res.locals.flash = takeFlash(req);
    res.locals.zone = zone;
    res.locals.formatTime = (date: Date | null) => formatTime(date, zone);
    next();
  });

  router.get('/users', async (req, res) => {
    res.render('admin/users', { title: 'Users', users: await users.list(actorOf(req)), roles: ROLES });
  });
  router.post('/users/:id', action(async (req) => {
    const user = await users.update(actorOf(req), idParam(req), body(req));
    return `${user.email}: role ${user.role}, ${user.active ? 'active' : 'deactivated'}`;
  }, () => `${ADMIN_PATH}/users`));

  router.get('/users/:id/permissions', async (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req);
    const [user, grants, sources, scripts, destinations] = await Promise.all([
      users.get(actor, id), permissions.grantsOf(actor, id), catalog.listSources(actor), catalog.listScripts(actor), catalog.listDestinations(actor),
    ]);
    res.render('admin/permissions', { title: `Permissions of ${user.email}`, user, grants, sources, scripts, destinations });
  });
  router.post('/users/:id/permissions', action(async (req) => {
    const grants = await permissions.setGrants(actorOf(req), idParam(req), body(req));
    return `Permissions saved: ${grants.sourceIds.length} sources, ${grants.scriptIds.length} scripts, ${grants.destinationIds.length} destinations`;
  }, (req) => `${ADMIN_PATH}/users/${String(req.params.id)}/permissions`));

  router.get('/audit', async (req, res) => {
    const zone = viewerZone(req);
    let error: string | null = null;
    let events: Awaited<ReturnType<typeof auditLog.search>> = [];
    let filter = { limit: 50 };
    try {
      filter = readAuditFilter(req.query, zone);
      events = await auditLog.search(actorOf(req), filter);
    } catch (err) {
      // A bad filter value is shown above the (empty) table; the role refusal stays a 403 page.
      if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
      error = err.message;
    }
    const last = events[events.length - 1];
    const query = Object.fromEntries(Object.entries(req.query).filter(([k, v]) => k !== 'before' && typeof v === 'string' && v !== '')) as Record<string, string>;
    const older = events.length === filter.limit && last ? `?${new URLSearchParams({ ...query, before: String(last.id) }).toString()}` : null;
    res.status(error ? 422 : 200).render('admin/audit', { title: 'Audit log', events, values: query, error, older, resourceTypes: ['user', 'schedule', 'execution', ...RESOURCE_TYPES] });
  });

  return router;
}

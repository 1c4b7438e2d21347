/**
 * Catalog pages' "Test connection" (a source) and "Preview first 20 rows" (a script): form posts
 * (CSRF like every form) that run the check in the domain and render its result — the message,
 * what to change on failure, the time it took and, for a preview, the rows as a run would load
 * them. Mounted inside the pages router, so the page locals (actor, can, zone, formatTime) are set.
 * Not allowed → the domain's 403 / 404 error page; a Firebird failure is a result, shown in red.
 *
 * The source form's own "Test connection" posts the form's fields: the settings are tested before
 * they are saved (admins), and the form comes back with the result (public/app.js does the same
 * in place through the JSON API, so a typed password stays in the field).
 */
import express, { type Request, type Response, type Router } from 'express';
import { FIREBIRD_CHARSETS } from '../../../../../../jobs/contract/src/job-spec.js';
import type { ConnectionTestResult } from '../../../domain/catalog/source-check.js';
import { DomainError, ForbiddenError, NotFoundError } from '../../../domain/errors.js';
import type { Services } from '../../../domain/services.js';
import type { Input } from '../../../domain/validation.js';
import { idParam } from '../api/router.js';
import { actorOf } from '../auth.js';
import { describeError } from '../errors.js';

const formBody = (req: Request): Input => (req.body && typeof req.body === 'object' ? (req.body as Input) : {});

export function catalogChecksRouter(services: Services): Router {
  const router = express.Router();
  const { catalog, catalogChecks } = services;

  /** The source form again, with what was typed (never the password) and the check's result or refusal. */
  const sourceForm = (res: Response, input: Input, id: number | null, check: ConnectionTestResult | null, error: string | null, status = 200) => {
    const { password: _p, _csrf: _c, ...values } = input;
    res.status(status).render('source-form', {
      title: id ? 'Edit source' : 'New source',
      values: { ...values, ...(id ? { id } : {}) },
      error, check, checkedAt: new Date(), charsets: FIREBIRD_CHARSETS,
    });
  };
  const testTyped = async (req: Request, res: Response, id: number | null) => {
    const input = formBody(req);
    try {
      const result = await catalogChecks.testSettings(actorOf(req), input, id ?? undefined);
      sourceForm(res, input, id, result, null);
    } catch (err) {
      // Not visible / not allowed: the error page; a bad field or no way to check: the form says so.
      if (!(err instanceof DomainError) || err instanceof NotFoundError || err instanceof ForbiddenError) throw err;
      sourceForm(res, input, id, null, err.message, describeError(err).status);
    }
  };

  router.post('/sources/test', async (req, res) => testTyped(req, res, null));

  router.post('/sources/:id/test', async (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req);
    if ('host' in formBody(req)) return testTyped(req, res, id);
    const source = await catalog.getSource(actor, id);
    renderCheck(res, 'source', source, await catalogChecks.testSource(actor, source.id), `Test connection: ${source.name}`, 'test');
  });

  router.post('/scripts/:id/preview', async (req, res) => {
    const actor = actorOf(req);
    const script = await catalog.getScript(actor, idParam(req));
    renderCheck(res, 'script', script, await catalogChecks.previewScript(actor, script.id), `Preview: ${script.name}`, 'preview');
  });

  return router;
}

/** The result page of a check on a saved item, with "again" and "edit" links. */
function renderCheck(res: Response, kind: 'source' | 'script', item: { id: number; name: string }, result: unknown, title: string, action: 'test' | 'preview'): void {
  const base = `/${kind}s/${item.id}`;
  res.render('catalog-check', { title, kind, item, result, checkedAt: new Date(), againUrl: `${base}/${action}`, editUrl: `${base}/edit` });
}

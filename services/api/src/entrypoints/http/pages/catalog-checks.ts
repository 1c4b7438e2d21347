/**
 * Catalog pages' "Test connection" (a source) and "Preview first 20 rows" (a script): form posts
 * (CSRF like every form) that run the check in the domain and render its result — the message,
 * what to change on failure, the time it took and, for a preview, the rows as a run would load
 * them. Mounted inside the pages router, so the page locals (actor, can, zone, formatTime) are set.
 * Not allowed → the domain's 403 / 404 error page; a Firebird failure is a result, shown in red.
 */
import express, { type Router } from 'express';
import type { Services } from '../../../domain/services.js';
import { idParam } from '../api/router.js';
import { actorOf } from '../auth.js';

export function catalogChecksRouter(services: Services): Router {
  const router = express.Router();
  const { catalog, catalogChecks } = services;

  router.post('/sources/:id/test', async (req, res) => {
    const actor = actorOf(req);
    const source = await catalog.getSource(actor, idParam(req));
    const result = await catalogChecks.testSource(actor, source.id);
    res.render('catalog-check', {
      title: `Test connection: ${source.name}`,
      kind: 'source',
      item: source,
      result,
      checkedAt: new Date(),
      againUrl: `/sources/${source.id}/test`,
      editUrl: `/sources/${source.id}/edit`,
    });
  });

  router.post('/scripts/:id/preview', async (req, res) => {
    const actor = actorOf(req);
    const script = await catalog.getScript(actor, idParam(req));
    const result = await catalogChecks.previewScript(actor, script.id);
    res.render('catalog-check', {
      title: `Preview: ${script.name}`,
      kind: 'script',
      item: script,
      result,
      checkedAt: new Date(),
      againUrl: `/scripts/${script.id}/preview`,
      editUrl: `/scripts/${script.id}/edit`,
    });
  });

  return router;
}

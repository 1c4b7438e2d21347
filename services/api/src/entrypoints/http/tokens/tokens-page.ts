/**
 * /tokens: the signed-in user's personal API tokens. Create (the token is shown once, in the
 * response to the POST, never stored in the session or a redirect) and revoke. The domain
 * TokenService does the rules and the audit; this module only renders and redirects.
 */
import express, { type Request, type Response, type Router } from 'express';
import { DomainError } from '../../../domain/errors.js';
import type { TokenService } from '../../../domain/tokens/token-service.js';
import type { Input } from '../../../domain/validation.js';
import { idParam } from '../api/router.js';
import { actorOf } from '../auth.js';
import { flash, takeFlash } from '../flash.js';
import { formatTime } from '../pages/format.js';
import { viewerZone } from '../pages/viewer-zone.js';

interface PageState {
  created?: { name: string; secret: string };
  error?: string;
  values?: Input;
}

export function tokensPageRouter(tokens: TokenService): Router {
  const router = express.Router();

  const render = async (req: Request, res: Response, state: PageState = {}, status = 200): Promise<void> => {
    const actor = actorOf(req);
    const zone = viewerZone(req);
    const items = (await tokens.list(actor)).sort((a, b) => Number(!!a.revokedAt) - Number(!!b.revokedAt) || b.id - a.id);
    const messages = takeFlash(req);
    // The page may carry a token that is shown only once: never cache it.
    res.set('Cache-Control', 'no-store');
    res.status(status).render('tokens', {
      title: 'API tokens',
      actor,
      flash: messages,
      zone,
      items,
      time: (d: Date | null) => formatTime(d, zone),
      values: state.values ?? {},
      ...(state.created ? { created: state.created } : {}),
      ...(state.error ? { error: state.error } : {}),
    });
  };

  router.get('/', async (req, res) => {
    await render(req, res);
  });

  router.post('/', async (req, res) => {
    const input = (req.body && typeof req.body === 'object' ? req.body : {}) as Input;
    const { expiresInDays, ...rest } = input;
    // An empty "expires in" field means "never" (the domain's fallback), not an invalid number.
    const cleaned: Input = { ...rest, ...(expiresInDays !== undefined && expiresInDays !== '' ? { expiresInDays } : {}) };
    try {
      const { token, secret } = await tokens.create(actorOf(req), cleaned);
      await render(req, res, { created: { name: token.name, secret } }, 201);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await render(req, res, { error: err.message, values: input }, 422);
    }
  });

  router.post('/:id/revoke', async (req, res) => {
    try {
      const token = await tokens.revoke(actorOf(req), idParam(req));
      flash(req, 'success', `Token "${token.name}" (${token.prefix}…) revoked`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      flash(req, 'danger', err.message);
    }
    res.redirect(303, '/tokens');
  });

  return router;
}

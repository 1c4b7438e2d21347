/**
 * `Authorization: Bearer etl_…` on /api/v1: the request acts as the token's owner. Such requests
 * carry no cookie, so they are exempt from CSRF (a browser never adds this header cross-site);
 * requests signed in by session cookie keep the CSRF check.
 */
import type { NextFunction, Request, Response } from 'express';
import type { TokenService } from '../../../domain/tokens/token-service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set when the request authenticated with a personal API token (no session, no CSRF). */
      viaApiToken?: { id: number; prefix: string };
    }
  }
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

export function tokenAuth(tokens: TokenService, onError: (err: unknown) => void) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.headers.authorization === undefined) return next();
    const secret = bearerToken(req);
    if (!secret) {
      res.status(401).json({ error: { code: 'unauthenticated', message: 'Authorization must be "Bearer etl_…" (a personal API token)' } });
      return;
    }
    const result = await tokens.authenticate(secret);
    if ('refused' in result) {
      res.status(401).json({ error: { code: 'unauthenticated', message: result.refused } });
      return;
    }
    req.actor = result.actor;
    req.viaApiToken = { id: result.token.id, prefix: result.token.prefix };
    tokens.recordUse(result, { method: req.method, path: req.baseUrl + req.path }).catch(onError);
    next();
  };
}

/** Wraps the CSRF middleware so token-authenticated requests skip it. */
export function csrfUnlessToken(csrf: (req: Request, res: Response, next: NextFunction) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.viaApiToken) return next();
    csrf(req, res, next);
  };
}

/**
 * Sign-in with OpenID Connect (passport-openidconnect): state kept in the server-side session,
 * session id regenerated at login (passport ≥ 0.6), the redirect URI built from the configured
 * public URL. The session stores only the user id; the actor is re-read on every request so a
 * deactivation or role change applies at once.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import passport from 'passport';
import { Strategy as OidcStrategy, type VerifyCallback } from 'passport-openidconnect';
import type { Actor } from '../../domain/auth/actor.js';
import type { UserService } from '../../domain/users/user-service.js';
import type { OidcConfig } from '../../config.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User {
      id: number;
    }
    interface Request {
      actor?: Actor;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    returnTo?: string;
    flash?: { kind: 'success' | 'danger'; message: string }[];
  }
}

export interface AuthOptions {
  oidc: OidcConfig;
  publicUrl: string;
  users: UserService;
  /** Where the provider ends its own session (RP-initiated logout), when it supports it. */
  endSessionUrl?: string;
}

export function configureAuth(options: AuthOptions): { passport: passport.PassportStatic; router: Router } {
  const { oidc, publicUrl, users } = options;
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.use(
    'oidc',
    new OidcStrategy(
      {
        issuer: oidc.issuer,
        authorizationURL: `${oidc.issuer}/auth`,
        tokenURL: `${oidc.issuer}/token`,
        userInfoURL: `${oidc.issuer}/me`,
        clientID: oidc.clientId,
        clientSecret: oidc.clientSecret,
        callbackURL: `${publicUrl}/auth/callback`,
        scope: oidc.scopes.filter((s) => s !== 'openid'),
        skipUserProfile: false,
      },
      (
        _issuer: string,
        profile: { _json?: Record<string, unknown>; displayName?: string; emails?: { value: string }[] },
        _idProfile: unknown,
        _context: unknown,
        _idToken: string | object,
        _accessToken: string | object,
        _refreshToken: string,
        _params: unknown,
        done: VerifyCallback,
      ) => {
        const claims = profile._json ?? {};
        const groups = claims[oidc.groupsClaim];
        users
          .signIn({
            email: String(claims.email ?? profile.emails?.[0]?.value ?? ''),
            ...(typeof claims.name === 'string' ? { name: claims.name } : profile.displayName ? { name: profile.displayName } : {}),
            groups: Array.isArray(groups) ? groups.map(String) : [],
          })
          .then((user) => done(null, { id: user.id }))
          .catch((err: Error) => done(null, undefined, { message: err.message }));
      },
    ),
  );
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: number, done) => done(null, { id }));

  const router = express.Router();
  router.get('/login', (req, res, next) => {
    const returnTo = typeof req.query.returnTo === 'string' && req.query.returnTo.startsWith('/') && !req.query.returnTo.startsWith('//') ? req.query.returnTo : '/';
    req.session.returnTo = returnTo;
    instance.authenticate('oidc')(req, res, next);
  });
  router.get('/auth/callback', (req, res, next) => {
    const returnTo = req.session.returnTo ?? '/';
    instance.authenticate('oidc', (err: Error | null, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) return res.status(403).render('signed-out', { title: 'Sign-in refused', message: info?.message ?? 'The identity provider did not confirm who you are.' });
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(returnTo)));
    })(req, res, next);
  });
  router.post('/logout', (req, res, next) => {
    const actor = req.actor;
    req.logOut((err) => {
      if (err) return next(err);
      const done = () => req.session.destroy(() => res.redirect(options.endSessionUrl ?? '/signed-out'));
      if (actor) users.signOut(actor).finally(done);
      else done();
    });
  });
  return { passport: instance, router };
}

/** Loads the actor behind the session. A deactivated or deleted user is signed out. */
export function loadActor(users: UserService) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (req.user) {
      const actor = await users.actorFor(req.user.id);
      if (actor) req.actor = actor;
      else await new Promise<void>((resolve) => req.logOut(() => resolve()));
    }
    next();
  };
}

/** Pages: unauthenticated visitors go to the login, then come back. */
export function requirePageUser(req: Request, res: Response, next: NextFunction): void {
  if (req.actor) return next();
  // Only page navigations start a sign-in: a background request (favicon, fetch) must not replace
  // the OIDC state of a sign-in already in progress in this session.
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    res.redirect(`/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  res.status(401).type('text').send('Sign in first');
}

/** API: 401 with a JSON error. */
export function requireApiUser(req: Request, res: Response, next: NextFunction): void {
  if (req.actor) return next();
  res.status(401).json({ error: { code: 'unauthenticated', message: 'Sign in first (GET /login)' } });
}

export function actorOf(req: Request): Actor {
  if (!req.actor) throw new Error('route without authentication middleware');
  return req.actor;
}

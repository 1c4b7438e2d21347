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
import { UnavailableError } from '../../domain/errors.js';
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

/** Same as app.ts SESSION_COOKIE (kept here to avoid an import cycle with app.ts). */
const SESSION_COOKIE_NAME = 'etl.sid';

export interface AuthOptions {
  oidc: OidcConfig;
  publicUrl: string;
  users: UserService;
  /** Where the provider ends its own session (RP-initiated logout), when it supports it. */
  endSessionUrl?: string;
}

/** The provider's endpoints, from its discovery document (RFC 8414 / OpenID Connect Discovery). */
export interface ProviderEndpoints {
  authorizationURL: string;
  tokenURL: string;
  userInfoURL: string;
  /** Present when the provider supports RP-initiated logout. */
  endSessionURL?: string;
}

/**
 * Reads `<issuer>/.well-known/openid-configuration`. Providers put their endpoints anywhere
 * (Keycloak, Entra ID, Google, oidc-provider all differ), so nothing is guessed from the issuer.
 */
export async function discoverProvider(issuer: string, fetchImpl: typeof fetch = fetch): Promise<ProviderEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`OIDC discovery ${url} answered HTTP ${res.status}`);
  const doc = (await res.json()) as Record<string, unknown>;
  const need = (key: string): string => {
    if (typeof doc[key] !== 'string') throw new Error(`OIDC discovery ${url} has no ${key}`);
    return doc[key] as string;
  };
  if (doc.issuer !== issuer) throw new Error(`OIDC discovery ${url} names issuer "${String(doc.issuer)}", not the configured "${issuer}" (OIDC_ISSUER must match exactly)`);
  return {
    authorizationURL: need('authorization_endpoint'),
    tokenURL: need('token_endpoint'),
    userInfoURL: need('userinfo_endpoint'),
    ...(typeof doc.end_session_endpoint === 'string' ? { endSessionURL: doc.end_session_endpoint } : {}),
  };
}

export function configureAuth(options: AuthOptions): { passport: passport.PassportStatic; router: Router } {
  const { oidc, publicUrl, users } = options;
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  // The redirect URI is absolute, from PUBLIC_URL: behind a TLS-terminating ingress the request
  // itself says http:// and an in-cluster Host (case C17), which the provider would refuse.
  const callbackURL = `${publicUrl}/auth/callback`;

  const strategy = (endpoints: ProviderEndpoints) =>
    new OidcStrategy(
      {
        issuer: oidc.issuer,
        authorizationURL: endpoints.authorizationURL,
        tokenURL: endpoints.tokenURL,
        userInfoURL: endpoints.userInfoURL,
        clientID: oidc.clientId,
        clientSecret: oidc.clientSecret,
        callbackURL,
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
    );
  // Discovered on first use (the provider may start after us; the dev IdP lives in this very
  // app), then kept. A failed discovery is retried on the next sign-in.
  let discovery: Promise<ProviderEndpoints> | undefined;
  const endpoints = (): Promise<ProviderEndpoints> => {
    discovery ??= discoverProvider(oidc.issuer).then(
      (found) => {
        instance.use('oidc', strategy(found));
        return found;
      },
      (err: Error) => {
        throw new UnavailableError(`The identity provider cannot be reached, try again shortly (${err.message})`);
      },
    );
    discovery.catch(() => {
      discovery = undefined;
    });
    return discovery;
  };
  instance.serializeUser((user, done) => done(null, user.id));
  instance.deserializeUser((id: number, done) => done(null, { id }));

  const router = express.Router();
  router.get('/login', async (req, res, next) => {
    await endpoints();
    const returnTo = typeof req.query.returnTo === 'string' && req.query.returnTo.startsWith('/') && !req.query.returnTo.startsWith('//') ? req.query.returnTo : '/';
    req.session.returnTo = returnTo;
    instance.authenticate('oidc')(req, res, next);
  });
  router.get('/auth/callback', async (req, res, next) => {
    await endpoints();
    const returnTo = req.session.returnTo ?? '/';
    instance.authenticate('oidc', (err: Error | null, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) return res.status(403).render('signed-out', { title: 'Sign-in refused', message: info?.message ?? 'The identity provider did not confirm who you are.' });
      // passport ≥ 0.6 regenerates the session id here (no session fixation).
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(returnTo)));
    })(req, res, next);
  });
  /** Where the browser goes after the local session ended: the provider's logout when it has one. */
  const afterLogout = async (): Promise<string> => {
    if (options.endSessionUrl) return options.endSessionUrl;
    const end = await endpoints().then((e) => e.endSessionURL, () => undefined);
    if (!end) return '/signed-out';
    const url = new URL(end);
    url.searchParams.set('client_id', oidc.clientId);
    url.searchParams.set('post_logout_redirect_uri', `${publicUrl}/signed-out`);
    return url.toString();
  };
  router.post('/logout', (req, res, next) => {
    const actor = req.actor;
    req.logOut((err) => {
      if (err) return next(err);
      const done = () =>
        req.session.destroy(() => {
          res.clearCookie(SESSION_COOKIE_NAME, { path: '/' });
          afterLogout().then((to) => res.redirect(to), next);
        });
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
      // Signed out with a new session id; the rest of the session (CSRF secret) is kept so the
      // request is answered "sign in first" (401 / redirect to login), not a CSRF error.
      else await new Promise<void>((resolve) => req.logOut({ keepSessionInfo: true }, () => resolve()));
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

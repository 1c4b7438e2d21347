/**
 * The Express application: probes, the development IdP (local only), security headers, sessions
 * in Postgres, OIDC sign-in, CSRF, the JSON API and the pages.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session, { type Store } from 'express-session';
import helmet from 'helmet';
import lusca from 'lusca';
import { saveFlashBeforeRedirect } from './flash.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcConfig } from '../../config.js';
import type { Services } from '../../domain/services.js';
import { paths } from '../../paths.js';
import { apiRouter } from './api/router.js';
import { configureAuth, loadActor, requireApiUser, requirePageUser } from './auth.js';
import { apiErrorHandler, describeError } from './errors.js';
import { pagesRouter } from './pages/router.js';
import { tokensPageRouter } from './tokens/tokens-page.js';
import { ADMIN_PATH, adminRouter } from './admin/router.js';
import type { Logger } from '../../adapters/logs/logger.js';
import type { ExecutionLogReader } from '../../adapters/logs/log-reader.js';
import type { ControlPlaneMetrics } from '../../adapters/metrics/metrics.js';
import type { ReadinessReport } from '../../bootstrap/control-plane.js';
import type { TokenService } from '../../domain/tokens/token-service.js';
import type { UserDirectory } from '../../domain/users/user-directory.js';
import { csrfUnlessToken, tokenAuth } from './api/token-auth.js';
import { accessLog, mountProbes } from './observability.js';

export interface HttpAppOptions {
  publicUrl: string;
  sessionSecret: string;
  sessionStore: Store;
  services: Services;
  oidc: OidcConfig;
  /** Development identity provider to mount at /dev-idp (local mode only). */
  devIdp?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Dev users shown on the signed-out page when the dev IdP runs. */
  devLogins?: { email: string; role: string }[];
  checkReady(): Promise<void>;
  log?: Pick<Console, 'error' | 'info'> | Logger;
  /** Structured logger: enables the access log (with trace when a project id is set). */
  logger?: Logger;
  googleCloudProject?: string;
  readiness?: () => Promise<ReadinessReport>;
  metrics?: ControlPlaneMetrics;
  /** Personal API tokens (Authorization: Bearer etl_…) on /api/v1. */
  tokens?: TokenService;
  directory?: UserDirectory;
  /** Execution logs for GET /api/v1/executions/:id/logs and the execution page. */
  logs?: ExecutionLogReader;
  /** "kubernetes" shows the Open-in-Cloud-Logging link. */
  runtimeKind?: 'local' | 'kubernetes';
  namespace?: string;
}

export const DEV_IDP_PATH = '/dev-idp';
export const SESSION_COOKIE = 'etl.sid';

export function createHttpApp(options: HttpAppOptions): Express {
  const log = options.log ?? console;
  const secure = options.publicUrl.startsWith('https://');
  const app = express();
  app.disable('x-powered-by');
  if (secure) app.set('trust proxy', 1); // TLS ends at the ingress; req.secure comes from X-Forwarded-Proto
  app.set('view engine', 'pug');
  app.set('views', paths.views());

  if (options.logger) app.use(accessLog(options.logger, options.googleCloudProject));
  // Probes and metrics: no session, no auth.
  mountProbes(app, { checkReady: options.checkReady, ...(options.readiness ? { readiness: options.readiness } : {}), ...(options.metrics ? { metrics: options.metrics } : {}) });

  // The dev IdP serves its own pages (with their own inline styles), so it sits before helmet's CSP.
  if (options.devIdp) app.use(DEV_IDP_PATH, options.devIdp);

  const issuerOrigin = new URL(options.oidc.issuer).origin;
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'", issuerOrigin],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
    }),
  );
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/assets/bootstrap', express.static(paths.bootstrapDist(), { immutable: true, maxAge: '7d', index: false }));
  app.use('/assets', express.static(paths.publicAssets(), { maxAge: '1h', index: false }));

  // A bearer token authenticates before the session layer; its requests set no cookie.
  if (options.tokens) app.use('/api/v1', tokenAuth(options.tokens, (err) => log.error(`recording API token use: ${String(err)}`)));
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: options.sessionSecret,
      store: options.sessionStore,
      resave: false,
      saveUninitialized: false,
      proxy: secure,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: 12 * 3600 * 1000 },
    }),
  );
  const auth = configureAuth({ oidc: options.oidc, publicUrl: options.publicUrl, users: options.services.users });
  app.use(saveFlashBeforeRedirect);
  app.use(auth.passport.initialize());
  app.use(auth.passport.session());
  app.use(loadActor(options.services.users));
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use(csrfUnlessToken(lusca.csrf()));

  app.use(auth.router);
  app.get('/signed-out', (_req, res) => {
    res.render('signed-out', { title: 'Signed out', message: 'You are signed out.', devLogins: options.devLogins ?? [] });
  });

  app.use('/api/v1', requireApiUser, apiRouter(options.services, {
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.logs ? { logs: options.logs } : {}),
    runtimeKind: options.runtimeKind ?? 'local',
    ...(options.googleCloudProject ? { googleCloudProject: options.googleCloudProject } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  }), apiErrorHandler(log));
  app.use(ADMIN_PATH, requirePageUser, adminRouter(options.services));
  if (options.tokens) app.use('/tokens', requirePageUser, tokensPageRouter(options.tokens));
  app.use(requirePageUser, pagesRouter(options.services, {
    runtimeKind: options.runtimeKind ?? 'local',
    ...(options.logs ? { logs: options.logs } : {}),
    ...(options.googleCloudProject ? { googleCloudProject: options.googleCloudProject } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  }));

  app.use((_req, res) => {
    res.status(404).render('error', { title: 'Not found', message: 'This page does not exist.' });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = describeError(err);
    if (status >= 500) log.error(`${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}`);
    res.status(status).render('error', { title: status === 404 ? 'Not found' : 'Error', message: body.error.message });
  });
  return app;
}

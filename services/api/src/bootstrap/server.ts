/**
 * Starts the whole control plane: binds the HTTP port first (the dev IdP's issuer URL needs the
 * real port), then builds the app and starts the runtime. Used by `etl-monitor serve` and tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Config, OidcConfig } from '../config.js';
import { createDevIdentityProvider, DEV_USERS } from '../adapters/dev-idp/dev-identity-provider.js';
import { createHttpApp, DEV_IDP_PATH } from '../entrypoints/http/app.js';
import { createControlPlane, type ControlPlane, type ControlPlaneOverrides } from './control-plane.js';
import { isLogger } from './observability.js';

export interface RunningServer {
  url: string;
  server: Server;
  controlPlane: ControlPlane;
  close(): Promise<void>;
}

export interface ServerOptions extends ControlPlaneOverrides {
  /** Interface to bind. Default: 127.0.0.1 with the dev IdP (never expose it), else 0.0.0.0. */
  host?: string;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? console;
  const host = options.host ?? (config.devIdp ? '127.0.0.1' : '0.0.0.0');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicUrl = config.publicUrl ?? `http://127.0.0.1:${port}`;

  let controlPlane: ControlPlane | undefined;
  try {
    controlPlane = await createControlPlane(config, options);
    let oidc: OidcConfig;
    let devIdp: ReturnType<typeof createDevIdentityProvider> | undefined;
    if (config.oidc) {
      oidc = config.oidc;
    } else {
      // Dev IdP: a fresh client secret per process; the app is its only client.
      oidc = { issuer: `${publicUrl}${DEV_IDP_PATH}`, clientId: 'etl-monitor-dev', clientSecret: randomBytes(24).toString('hex'), scopes: ['openid', 'email', 'profile', 'groups'], groupsClaim: 'groups' };
      if (isLogger(log)) log.addSecret(oidc.clientSecret);
      devIdp = createDevIdentityProvider({
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
        redirectUri: `${publicUrl}/auth/callback`,
        postLogoutRedirectUri: `${publicUrl}/signed-out`,
        nodeEnv: config.nodeEnv,
      });
    }
    const app = createHttpApp({
      publicUrl,
      sessionSecret: config.sessionSecret,
      sessionStore: controlPlane.sessionStore,
      services: controlPlane.services,
      oidc,
      ...(devIdp ? { devIdp, devLogins: DEV_USERS.map((u) => ({ email: u.email, role: u.role })) } : {}),
      checkReady: () => controlPlane!.checkReady(),
      readiness: () => controlPlane!.readiness(),
      metrics: controlPlane.metrics,
      tokens: controlPlane.tokens,
      directory: controlPlane.directory,
      logs: controlPlane.logs,
      runtimeKind: config.runtime,
      ...(config.logging.googleCloudProject ? { googleCloudProject: config.logging.googleCloudProject } : {}),
      ...(config.kubernetes.namespace ? { namespace: config.kubernetes.namespace } : {}),
      ...(isLogger(log) ? { logger: log } : {}),
      log,
    });
    server.on('request', app);
    await controlPlane.start();
  } catch (err) {
    server.close();
    await controlPlane?.close();
    throw err;
  }

  const plane = controlPlane;
  let closing: Promise<void> | undefined;
  return {
    url: publicUrl,
    server,
    controlPlane: plane,
    close: () =>
      (closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await plane.close();
      })()),
  };
}

// An OpenID provider outside the app (oidc-provider on 127.0.0.1), like a company SSO, that
// records every token request so a test can see which redirect_uri the app sent, and a control
// plane configured against it with a public URL (behind an ingress in production).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { loadConfig } from '../../../services/api/src/config.js';
import { migrateDatabase } from '../../../services/api/src/bootstrap/control-plane.js';
import { startServer, type RunningServer } from '../../../services/api/src/bootstrap/server.js';
import { createTestDatabase } from '../../support/postgres.js';

export interface ExternalIdp {
  issuer: string;
  /** Parameters of each POST /token the provider handled, and its answer's status. */
  tokenRequests: Record<string, unknown>[];
  close(): Promise<void>;
}

export const CLIENT = { id: 'etl-monitor', secret: 'external-idp-client-secret' };

export async function startExternalIdp(redirectUri: string, postLogoutRedirectUri: string): Promise<ExternalIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogoutRedirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    async findAccount(_ctx, id) {
      return { accountId: id, async claims() { return { sub: id, email: `${id}@example.com`, email_verified: true, name: id, groups: ['etl-operators'] }; } };
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['external-idp-cookie-key'] },
  });
  const tokenRequests: Record<string, unknown>[] = [];
  // After the token endpoint ran: the parameters it received (client auth excluded).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method === 'POST' && ctx.path === '/token') tokenRequests.push({ ...(ctx.oidc?.params ?? {}), status: ctx.status });
  });
  server.on('request', provider.callback());
  return {
    issuer,
    tokenRequests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface ExternalControlPlane extends RunningServer {
  /** Where the app really listens (the public URL is the ingress's). */
  address: string;
  stop(): Promise<void>;
}

export async function startBehindIngress(prefix: string, publicUrl: string, idp: ExternalIdp): Promise<ExternalControlPlane> {
  const databaseUrl = await createTestDatabase(prefix);
  await migrateDatabase(databaseUrl);
  const etlHome = mkdtempSync(join(tmpdir(), `etl-home-${prefix}-`));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    PUBLIC_URL: publicUrl,
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'test-session-secret-with-enough-length-000',
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: CLIENT.id,
    OIDC_CLIENT_SECRET: CLIENT.secret,
    OIDC_ROLE_MAPPING: 'etl-operators=operator',
    ETL_HOME: etlHome,
    PATH: process.env.PATH,
  });
  const quiet = { info: () => {}, error: (...args: unknown[]) => console.error(...args) };
  const running = await startServer(config, { log: quiet, host: '127.0.0.1' });
  const address = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  return {
    ...running,
    address,
    async stop() {
      await running.close();
      rmSync(etlHome, { recursive: true, force: true });
    },
  };
}

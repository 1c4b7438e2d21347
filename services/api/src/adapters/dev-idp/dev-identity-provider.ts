/**
 * Built-in development OpenID provider (oidc-provider) with ready users of each role, so the
 * product runs on one machine with a real OIDC login. Refuses to exist in production.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';

export interface DevUser {
  login: string;
  email: string;
  name: string;
  groups: string[];
  /** Shown on the start page; the dev login accepts any password. */
  role: string;
}

/** Groups match the default dev role mapping (etl-admins=admin, etl-operators=operator, etl-viewers=viewer). */
export const DEV_USERS: readonly DevUser[] = [
  { login: 'admin', email: 'admin@example.com', name: 'Ada Admin', groups: ['etl-admins'], role: 'admin' },
  { login: 'operator', email: 'operator@example.com', name: 'Otto Operator', groups: ['etl-operators'], role: 'operator' },
  { login: 'viewer', email: 'viewer@example.com', name: 'Vera Viewer', groups: ['etl-viewers'], role: 'viewer' },
  // A second user of each role: permissions are per user, so two operators can be granted
  // different things (and an admin can be tried out on a colleague).
  { login: 'admin2', email: 'admin2@example.com', name: 'Alan Admin', groups: ['etl-admins'], role: 'admin' },
  { login: 'operator2', email: 'operator2@example.com', name: 'Olga Operator', groups: ['etl-operators'], role: 'operator' },
  { login: 'viewer2', email: 'viewer2@example.com', name: 'Victor Viewer', groups: ['etl-viewers'], role: 'viewer' },
];

export interface DevIdentityProviderOptions {
  /** Where the provider is reachable, e.g. http://127.0.0.1:8080/dev-idp. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  nodeEnv: string;
}

export class DevIdentityProviderRefused extends Error {
  override name = 'DevIdentityProviderRefused';
}

export function findDevUser(login: string): DevUser | undefined {
  const key = login.trim().toLowerCase();
  return DEV_USERS.find((u) => u.login === key || u.email === key);
}

export function createDevIdentityProvider(options: DevIdentityProviderOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (options.nodeEnv === 'production') {
    throw new DevIdentityProviderRefused('The development identity provider refuses to start with NODE_ENV=production');
  }
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    async findAccount(_ctx, id) {
      const user = findDevUser(id);
      if (!user) return undefined;
      // The account id must be what was typed at the login prompt ("admin" or "admin@example.com");
      // the app identifies people by the email claim.
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: user.email, email_verified: true, name: user.name, groups: user.groups };
        },
      };
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
  };
  const provider = new Provider(options.issuer, configuration);
  const report = (event: string) => (_ctx: unknown, err: Error) =>
    console.error(`dev identity provider ${event}: ${err.message}${'error_description' in err ? ` (${String(err.error_description)})` : ''}`);
  provider.on('server_error', report('server_error'));
  provider.on('authorization.error', report('authorization.error'));
  provider.on('grant.error', report('grant.error'));
  return provider.callback();
}

// The built-in development identity provider: refuses to exist in production, and offers ready
// users of each role that sign in through the real OIDC flow with that role.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createDevIdentityProvider, DEV_USERS, DevIdentityProviderRefused } from '../../services/api/src/adapters/dev-idp/dev-identity-provider.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn } from '../api/support/sign-in.js';

const OPTIONS = { issuer: 'http://127.0.0.1:1/dev-idp', clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1:1/auth/callback', postLogoutRedirectUri: 'http://127.0.0.1:1/signed-out' };

let cp: TestControlPlane;
beforeAll(async () => {
  cp = await startTestControlPlane('authz_dev_idp');
}, 60_000);
afterAll(async () => {
  await cp?.stop();
});

test('refuses to start with NODE_ENV=production', () => {
  expect(() => createDevIdentityProvider({ ...OPTIONS, nodeEnv: 'production' })).toThrow(DevIdentityProviderRefused);
  expect(() => createDevIdentityProvider({ ...OPTIONS, nodeEnv: 'production' })).toThrow('The development identity provider refuses to start with NODE_ENV=production');
  expect(typeof createDevIdentityProvider({ ...OPTIONS, nodeEnv: 'development' })).toBe('function');
});

test('two ready users of each role sign in with that role; the signed-out page lists them', async () => {
  expect(DEV_USERS.map((u) => [u.login, u.role])).toEqual([
    ['admin', 'admin'], ['operator', 'operator'], ['viewer', 'viewer'], ['admin2', 'admin'], ['operator2', 'operator'], ['viewer2', 'viewer'],
  ]);
  const roles: string[][] = [];
  for (const user of DEV_USERS) {
    const who = await signIn(cp.url, user.login);
    const session = await who.agent.get('/api/v1/session');
    roles.push([session.body.user.email, session.body.user.role]);
  }
  expect(roles).toEqual(DEV_USERS.map((u) => [u.email, u.role]));
  const page = await request(cp.url).get('/signed-out');
  for (const user of DEV_USERS) expect(page.text).toContain(`${user.email} — ${user.role}`);
});

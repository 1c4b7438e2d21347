// C17 — OIDC redirect_uri becomes http:// or an internal host behind the ingress.
// The request reaches the web pod as Host: etl-web.etl.svc:8080 with X-Forwarded-Host and
// X-Forwarded-Proto from the TLS-terminating ingress; the registered redirect is
// https://etl.example.com/auth/callback and nothing else. The 302 to the provider, the
// code-for-token request and the finished login must all use exactly that URI.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { startBehindIngress, startExternalIdp, type ExternalControlPlane, type ExternalIdp } from './support/external-idp.js';
import { completeProviderLogin, cookieOf } from './support/oidc-flow.js';

const PUBLIC_URL = 'https://etl.example.com';
const REGISTERED = 'https://etl.example.com/auth/callback';

let idp: ExternalIdp;
let cp: ExternalControlPlane;

beforeAll(async () => {
  idp = await startExternalIdp(REGISTERED, `${PUBLIC_URL}/signed-out`);
  cp = await startBehindIngress('authz_c17', PUBLIC_URL, idp);
}, 60_000);

afterAll(async () => {
  await cp?.stop();
  await idp?.close();
});

describe('C17', () => {
  test.each(['https', 'https,http'])('C17: X-Forwarded-Proto %s: redirect_uri, token request and login all use the registered https URI', async (proto) => {
    const ingress = { Host: 'etl-web.etl.svc:8080', 'X-Forwarded-Host': 'etl.example.com', 'X-Forwarded-Proto': proto };
    const app = request(cp.address);

    const login = await app.get('/login').set(ingress);
    expect(login.status).toBe(302);
    const location = login.headers.location as string;
    expect(location.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    expect(location).toContain('redirect_uri=https%3A%2F%2Fetl.example.com%2Fauth%2Fcallback');
    expect(new URL(location).searchParams.get('redirect_uri')).toBe(REGISTERED);
    const firstSid = cookieOf(login, 'etl.sid');
    expect(firstSid).not.toBeNull();

    const callback = await completeProviderLogin(location, 'ingress-user');
    expect(`${callback.origin}${callback.pathname}`).toBe(REGISTERED);

    const before = idp.tokenRequests.length;
    const done = await app.get(callback.pathname + callback.search).set(ingress).set('Cookie', `etl.sid=${firstSid}`);
    expect([done.status, done.headers.location]).toEqual([302, '/']);
    expect(idp.tokenRequests.slice(before).map((r) => [r.grant_type, r.redirect_uri, r.status])).toEqual([['authorization_code', REGISTERED, 200]]);

    const sid = cookieOf(done, 'etl.sid');
    expect(sid).not.toBeNull();
    expect(sid).not.toBe(firstSid); // session id regenerated at login
    const session = await app.get('/api/v1/session').set(ingress).set('Cookie', `etl.sid=${sid}`);
    expect(session.status).toBe(200);
    expect(session.body.user).toEqual({ userId: expect.any(Number), email: 'ingress-user@example.com', role: 'operator' });
  });

  // passport-openidconnect 0.1.2 would derive a relative callback from these headers when
  // `trust proxy` is on; an ingress that forwards no X-Forwarded-Host (or a replica without
  // trust proxy) would then leak the in-cluster host. The absolute URI does not depend on them.
  test('C17: without forwarded headers the redirect_uri is still the registered one', async () => {
    const login = await request(cp.address).get('/login').set({ Host: 'etl-web.etl.svc:8080' });
    expect(login.status).toBe(302);
    expect(new URL(login.headers.location as string).searchParams.get('redirect_uri')).toBe(REGISTERED);
  });
});

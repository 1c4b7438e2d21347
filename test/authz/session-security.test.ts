// Sessions and request hardening: cookie flags (httpOnly, SameSite=Lax, Secure when the public
// URL is https), a new session id at login, logout that ends the local session and the
// provider's (RP-initiated logout), CSRF refusal for JSON and forms, and the CSP header.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn } from '../api/support/sign-in.js';
import { CLIENT, startBehindIngress, startExternalIdp, type ExternalControlPlane, type ExternalIdp } from './support/external-idp.js';
import { completeProviderLogin, cookieFlags, cookieOf, htmlForm } from './support/oidc-flow.js';

const PUBLIC_URL = 'https://etl.example.com';
const INGRESS = { Host: 'etl-web.etl.svc:8080', 'X-Forwarded-Host': 'etl.example.com', 'X-Forwarded-Proto': 'https' };

let idp: ExternalIdp;
let https: ExternalControlPlane;
let plain: TestControlPlane;

beforeAll(async () => {
  idp = await startExternalIdp(`${PUBLIC_URL}/auth/callback`, `${PUBLIC_URL}/signed-out`);
  https = await startBehindIngress('authz_session', PUBLIC_URL, idp);
  plain = await startTestControlPlane('authz_session_http');
}, 60_000);

afterAll(async () => {
  await https?.stop();
  await idp?.close();
  await plain?.stop();
});

/** Signs in through the ingress; returns the session cookie and the provider agent (its own session). */
async function signInBehindIngress(login: string) {
  const app = request(https.address);
  const start = await app.get('/login').set(INGRESS);
  const provider = request.agent(idp.issuer);
  const callback = await completeProviderLogin(start.headers.location as string, login, provider);
  const done = await app.get(callback.pathname + callback.search).set(INGRESS).set('Cookie', `etl.sid=${cookieOf(start, 'etl.sid')}`);
  const sid = cookieOf(done, 'etl.sid')!;
  const session = await app.get('/api/v1/session').set(INGRESS).set('Cookie', `etl.sid=${sid}`);
  return { app, start, done, sid, provider, csrf: session.body.csrfToken as string };
}

describe('session cookie', () => {
  test('https public URL: httpOnly, SameSite=Lax, Secure; a new id at login', async () => {
    const { start, done } = await signInBehindIngress('cookie-user');
    expect(cookieFlags(start, 'etl.sid')).toEqual(['httponly', 'path=/', 'samesite=lax', 'secure']);
    expect(cookieFlags(done, 'etl.sid')).toEqual(['httponly', 'path=/', 'samesite=lax', 'secure']);
    expect(cookieOf(done, 'etl.sid')).not.toBe(cookieOf(start, 'etl.sid'));
  });

  test('http public URL (local): httpOnly, SameSite=Lax, not Secure; a new id at login', async () => {
    const who = await signIn(plain.url, 'viewer');
    const first = await request(plain.url).get('/login');
    expect(cookieFlags(first, 'etl.sid')).toEqual(['httponly', 'path=/', 'samesite=lax']);
    expect(who.sessionIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(who.sessionIds).size).toBe(who.sessionIds.length);
  });
});

describe('logout', () => {
  test('ends the local session and sends the browser to the provider to end its session (RP-initiated)', async () => {
    const { app, sid, provider, csrf } = await signInBehindIngress('leaving-user');
    const out = await app.post('/logout').set(INGRESS).set('Cookie', `etl.sid=${sid}`).type('form').send({ _csrf: csrf });
    expect(out.status).toBe(302);
    const to = new URL(out.headers.location as string);
    expect(`${to.origin}${to.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(Object.fromEntries(to.searchParams)).toEqual({ client_id: CLIENT.id, post_logout_redirect_uri: `${PUBLIC_URL}/signed-out` });
    expect((await app.get('/api/v1/session').set(INGRESS).set('Cookie', `etl.sid=${sid}`)).status).toBe(401);
    // The provider accepts it: confirm, and it redirects to the app's signed-out page.
    const confirm = await provider.get(to.pathname + to.search);
    expect(confirm.status).toBe(200);
    const form = htmlForm(confirm.text)!;
    const ended = await provider.post(new URL(form.action, idp.issuer).pathname).type('form').send({ ...form.fields, logout: 'yes' });
    expect([ended.status, ended.headers.location]).toEqual([303, `${PUBLIC_URL}/signed-out`]);
  });
});

describe('CSRF', () => {
  test('state-changing JSON and form requests without the right token are refused with 403', async () => {
    const admin = await signIn(plain.url, 'admin');
    const noToken = await admin.agent.post('/api/v1/schedules').send({ name: 'x' });
    expect([noToken.status, noToken.body.error.code]).toEqual([403, 'csrf']);
    const wrong = await admin.agent.put(`/api/v1/users/1/permissions`).set('x-csrf-token', 'not-the-token').send({});
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'csrf']);
    const form = await admin.agent.post('/admin/users/1').type('form').send({ role: 'viewer' });
    expect(form.status).toBe(403);
    const logout = await admin.agent.post('/logout').type('form').send({});
    expect(logout.status).toBe(403);
    expect((await admin.agent.get('/api/v1/session')).status).toBe(200); // still signed in
  });
});

describe('Content-Security-Policy', () => {
  test('strict CSP on pages and API answers: no inline scripts or styles', async () => {
    const expected = (issuerOrigin: string, secure: boolean) =>
      "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';object-src 'none';base-uri 'self';" +
      `frame-ancestors 'none';form-action 'self' ${issuerOrigin}${secure ? ';upgrade-insecure-requests' : ''}`;
    const page = await request(plain.url).get('/signed-out');
    expect(page.headers['content-security-policy']).toBe(expected(new URL(plain.url).origin, false));
    const api = await request(https.address).get('/api/v1/session').set(INGRESS);
    expect(api.status).toBe(401);
    expect(api.headers['content-security-policy']).toBe(expected(idp.issuer, true));
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle="/);
  });
});

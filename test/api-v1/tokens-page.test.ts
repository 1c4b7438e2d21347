// The API tokens page: create (the token is shown once, never again, page not cached), use it
// as a bearer token, revoke it (then refused), CSRF on both forms, another user's token cannot be
// revoked from here, and the page keeps the strict CSP (no inline script or style).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';

let cp: TestControlPlane;
let operator: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  cp = await startTestControlPlane('issue6_tokens_page');
  operator = await signIn(cp.url, 'operator');
  viewer = await signIn(cp.url, 'viewer');
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

const secretIn = (html: string): string | undefined => /id="token-secret"[^>]*value="(etl_[^"]+)"/.exec(html)?.[1];

describe('API tokens page', () => {
  let secret: string;
  let tokenId: number;

  test('the navbar links to it; an empty list; strict CSP and no inline script/style', async () => {
    const page = await viewer.agent.get('/tokens');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a class="nav-link" href="/tokens">API tokens</a>');
    expect(page.text).toContain('<td colspan="7">No tokens yet.</td>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/<style|\sstyle="/);
    expect(page.text).toContain('<form class="row g-2 align-items-end" method="post" action="/tokens"><input type="hidden" name="_csrf" value="');
  });

  test('creating without the CSRF token is refused', async () => {
    const res = await operator.agent.post('/tokens').type('form').send({ name: 'no csrf' });
    expect(res.status).toBe(403);
    expect((await operator.agent.get('/api/v1/tokens')).body.items).toEqual([]);
  });

  test('a blank name re-renders the form with the reason', async () => {
    const res = await operator.agent.post('/tokens').type('form').send({ _csrf: operator.csrf, name: '', expiresInDays: '' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/<div class="alert alert-danger" id="form-error" role="alert">Name [^<]+<\/div>/);
    expect(secretIn(res.text)).toBeUndefined();
  });

  test('create: the token is shown once, the page is not cached, later views show only the prefix', async () => {
    const res = await operator.agent.post('/tokens').type('form').send({ _csrf: operator.csrf, name: 'nightly report', expiresInDays: '30' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    secret = secretIn(res.text)!;
    expect(secret).toMatch(/^etl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(res.text).toContain('Token "nightly report" created. Copy it now: it is shown only this once.');
    const again = await operator.agent.get('/tokens');
    expect(again.text).not.toContain(secret);
    expect(again.text).toContain(`<code>${secret.slice(0, 12)}…</code>`);
    expect(again.text).toContain('<span class="badge text-bg-success">Active</span>');
    const listed = (await operator.agent.get('/api/v1/tokens')).body.items as { id: number; name: string; expiresAt: string | null }[];
    expect(listed.map((t) => t.name)).toEqual(['nightly report']);
    const days = (new Date(listed[0]!.expiresAt!).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    tokenId = listed[0]!.id;
  });

  test('the token acts as its owner on the API', async () => {
    const me = await request(cp.url).get('/api/v1/users/me').set('Authorization', `Bearer ${secret}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('operator@example.com');
  });

  test("another user cannot revoke it (not found), nor without CSRF; the owner can", async () => {
    const other = await viewer.agent.post(`/tokens/${tokenId}/revoke`).type('form').send({ _csrf: viewer.csrf });
    expect([other.status, other.headers.location]).toEqual([303, '/tokens']);
    expect((await viewer.agent.get('/tokens')).text).toContain(`No API token with id ${tokenId}`);
    expect((await request(cp.url).get('/api/v1/users/me').set('Authorization', `Bearer ${secret}`)).status).toBe(200);

    expect((await operator.agent.post(`/tokens/${tokenId}/revoke`).type('form').send({})).status).toBe(403);

    const revoke = await operator.agent.post(`/tokens/${tokenId}/revoke`).type('form').send({ _csrf: operator.csrf });
    expect([revoke.status, revoke.headers.location]).toEqual([303, '/tokens']);
    const page = await operator.agent.get('/tokens');
    expect(page.text).toContain(`Token &quot;nightly report&quot; (${secret.slice(0, 12)}…) revoked`);
    expect(page.text).toMatch(/<span class="badge text-bg-secondary">Revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+00:00\)<\/span>/);
    expect(page.text).not.toContain(`action="/tokens/${tokenId}/revoke"`);
    const refused = await request(cp.url).get('/api/v1/users/me').set('Authorization', `Bearer ${secret}`);
    expect(refused.status).toBe(401);
  });
});

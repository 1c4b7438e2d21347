// The provider's side of a sign-in, driven with its own cookie jar: follow the authorization
// request through oidc-provider's dev login and consent forms until it redirects to the app.
import request from 'supertest';

type Response = { status: number; headers: Record<string, unknown>; text: string };

/** The value of one cookie the response sets (null when it sets none). */
export function cookieOf(res: { headers: Record<string, unknown> }, name: string): string | null {
  for (const cookie of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
    const match = new RegExp(`^${name.replace('.', '\\.')}=([^;]+)`).exec(cookie);
    if (match) return match[1]!;
  }
  return null;
}

/** All attributes of the Set-Cookie header for `name`, lower-cased, e.g. ['httponly', 'samesite=lax', 'secure']. */
export function cookieFlags(res: { headers: Record<string, unknown> }, name: string): string[] | null {
  const cookie = ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
  if (!cookie) return null;
  return cookie.split(';').slice(1).map((p) => p.trim().toLowerCase()).filter((p) => !p.startsWith('expires=') && !p.startsWith('max-age=')).sort();
}

export function htmlForm(html: string): { action: string; fields: Record<string, string> } | null {
  const match = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!match) return null;
  const fields: Record<string, string> = {};
  for (const input of match[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
  }
  return { action: match[1]!.replace(/&amp;/g, '&'), fields };
}

export type ProviderAgent = ReturnType<typeof request.agent>;

/**
 * Returns the URL the provider finally redirects the browser to (the app's callback). Pass an
 * agent to keep the provider's own session (cookies) for a later logout.
 */
export async function completeProviderLogin(authorizationUrl: string, login: string, agent: ProviderAgent = request.agent(new URL(authorizationUrl).origin)): Promise<URL> {
  const start = new URL(authorizationUrl);
  let res: Response = await agent.get(start.pathname + start.search);
  for (let step = 0; step < 12; step++) {
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.location as string, start.origin);
      if (next.origin !== start.origin) return next;
      res = await agent.get(next.pathname + next.search);
      continue;
    }
    const f = res.status === 200 ? htmlForm(res.text) : null;
    if (!f) throw new Error(`provider login stuck: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    const fields = /name="login"/.test(res.text) ? { ...f.fields, login, password: 'any' } : f.fields;
    res = await agent.post(new URL(f.action, start.origin).pathname).type('form').send(fields);
  }
  throw new Error('provider login did not redirect back to the app');
}

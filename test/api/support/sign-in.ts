// Signs in through the real OIDC flow (app → dev IdP login → consent → callback) with a
// supertest agent, and returns the agent plus the CSRF token the JSON API wants.
import request from 'supertest';

type Agent = ReturnType<typeof request.agent>;

export interface SignedIn {
  agent: Agent;
  csrf: string;
  /** Every etl.sid value the app set during the flow, in order (to check the id changes at login). */
  sessionIds: string[];
}

function formOf(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value;
  }
  return { action: form[1]!.replace(/&amp;/g, '&'), fields };
}

export async function signIn(baseUrl: string, login: 'admin' | 'operator' | 'viewer' | string): Promise<SignedIn> {
  const agent = request.agent(baseUrl);
  const sessionIds: string[] = [];
  const track = <T extends { headers: Record<string, unknown> }>(res: T): T => {
    for (const cookie of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const sid = /^etl\.sid=([^;]+)/.exec(cookie)?.[1];
      if (sid) sessionIds.push(sid);
    }
    return res;
  };
  let response = track(await agent.get('/login'));
  for (let step = 0; step < 15; step++) {
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.location as string, baseUrl);
      if (location.pathname === '/' && !location.pathname.startsWith('/dev-idp')) break;
      response = track(await agent.get(location.pathname + location.search));
      continue;
    }
    const form = response.status === 200 ? formOf(response.text) : null;
    if (!form) throw new Error(`sign-in stuck at step ${step}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
    const fields = { ...form.fields };
    if ('login' in fields || /name="login"/.test(response.text)) Object.assign(fields, { login, password: 'any' });
    response = track(await agent.post(new URL(form.action, baseUrl).pathname).type('form').send(fields));
  }
  const session = await agent.get('/api/v1/session');
  if (session.status !== 200) throw new Error(`not signed in after the OIDC flow: ${session.status} ${session.text}`);
  return { agent, csrf: session.body.csrfToken as string, sessionIds };
}

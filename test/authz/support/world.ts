// A running control plane with two catalog "worlds": A (granted to the operator and the viewer)
// and B (granted to nobody), signed-in agents of every role, and a deactivated user whose
// session was opened before the deactivation. Runs use a stand-in extractor that sleeps until
// stopped, so run/stop answers are deterministic.
import { join } from 'node:path';
import { startTestControlPlane, type TestControlPlane } from '../../api/support/control-plane.js';
import { signIn, type SignedIn } from '../../api/support/sign-in.js';
import { createSample, post, type SampleIds } from '../../api/support/catalog.js';

export const SLEEPY_EXTRACTOR = { command: process.execPath, args: [join(import.meta.dirname, '..', 'fixtures', 'sleepy-extractor.mjs')] };
/** Never connected to: runs use the sleepy extractor. */
export const UNUSED_DESTINATION_URL = 'postgres://nobody:secret@127.0.0.1:1/none';

export interface World {
  cp: TestControlPlane;
  admin: SignedIn;
  operator: SignedIn;
  viewer: SignedIn;
  /** operator2, deactivated by the admin after signing in. */
  deactivated: SignedIn;
  userIds: Record<'admin' | 'operator' | 'viewer' | 'operator2' | 'viewer2', number>;
  granted: SampleIds;
  notGranted: SampleIds;
}

export async function userIdOf(who: SignedIn): Promise<number> {
  const me = await who.agent.get('/api/v1/users/me');
  if (me.status !== 200) throw new Error(`users/me: ${me.status} ${me.text}`);
  return me.body.id as number;
}

export async function grantAll(admin: SignedIn, userId: number, ids: Pick<SampleIds, 'sourceId' | 'scriptId' | 'destinationId'>): Promise<void> {
  for (const [resourceType, resourceId] of [['source', ids.sourceId], ['script', ids.scriptId], ['destination', ids.destinationId]] as const) {
    await post(admin, `/users/${userId}/permissions`, { resourceType, resourceId }, 201);
  }
}

/**
 * Signs in the dev IdP's operator and viewer (so their users exist) and grants them a sample.
 * For tests written before per-user permissions: one line at the end of createSample,
 * `await grantDevUsers(admin, ids)`.
 */
export async function grantDevUsers(admin: SignedIn, ids: Pick<SampleIds, 'sourceId' | 'scriptId' | 'destinationId'>, logins: string[] = ['operator', 'viewer']): Promise<void> {
  const baseUrl = (admin.agent as unknown as { app: string }).app; // supertest keeps the base URL here
  for (const login of logins) await grantAll(admin, await userIdOf(await signIn(baseUrl, login)), ids);
}

export async function startWorld(prefix: string): Promise<World> {
  const cp = await startTestControlPlane(prefix, { local: { extractor: SLEEPY_EXTRACTOR, stopGraceMs: 2_000 } });
  const [admin, operator, viewer, deactivated, viewer2] = await Promise.all(['admin', 'operator', 'viewer', 'operator2', 'viewer2'].map((login) => signIn(cp.url, login)));
  const userIds = {
    admin: await userIdOf(admin!),
    operator: await userIdOf(operator!),
    viewer: await userIdOf(viewer!),
    operator2: await userIdOf(deactivated!),
    viewer2: await userIdOf(viewer2!),
  };
  const granted = await createSample(admin!, UNUSED_DESTINATION_URL, { name: 'Granted', sql: 'SELECT 1 AS N FROM RDB$DATABASE', table: 'granted', grantDevUsers: false });
  const notGranted = await createSample(admin!, UNUSED_DESTINATION_URL, { name: 'Hidden', sql: 'SELECT 2 AS N FROM RDB$DATABASE', table: 'hidden', grantDevUsers: false });
  for (const userId of [userIds.operator, userIds.viewer, userIds.operator2]) await grantAll(admin!, userId, granted);
  const off = await admin!.agent.patch(`/api/v1/users/${userIds.operator2}`).set('x-csrf-token', admin!.csrf).send({ active: false });
  if (off.status !== 200) throw new Error(`deactivate operator2: ${off.status} ${off.text}`);
  return { cp, admin: admin!, operator: operator!, viewer: viewer!, deactivated: deactivated!, userIds, granted, notGranted };
}

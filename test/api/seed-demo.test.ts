// `npm run dev`'s sample data (etl-monitor seed-demo): the dev IdP's operator and viewer can use the
// sample from their first sign-in, the second ones see nothing, and seeding again changes nothing —
// not even a grant an admin removed in between.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { seedDemo, type DemoSettings } from '../../services/api/src/bootstrap/seed-demo.js';
import { startTestControlPlane, type TestControlPlane } from './support/control-plane.js';
import { signIn } from './support/sign-in.js';

let cp: TestControlPlane;
const settings: DemoSettings = {
  firebirdHost: '127.0.0.1',
  firebirdPort: 3050,
  firebirdUser: 'ETL_READER',
  firebirdPassword: 'not-used-by-the-seed',
  destinationUrl: 'postgres://postgres@127.0.0.1:1/etl_demo',
};

beforeAll(async () => {
  cp = await startTestControlPlane('seed_demo');
});
afterAll(async () => {
  await cp?.stop();
});

const scheduleNames = async (login: string) => {
  const who = await signIn(cp.url, login);
  const res = await who.agent.get('/api/v1/schedules');
  expect(res.status).toBe(200);
  return (res.body.items as { name: string }[]).map((s) => s.name);
};

test('the dev operator and viewer are granted the sample; operator2 and viewer2 are not; a second seed changes nothing', async () => {
  const first = await seedDemo(cp.controlPlane.services, settings);
  expect(first.created).toEqual([
    'source employee (Firebird example)',
    'script EMPLOYEE',
    'destination postgres etl_demo.employee',
    'script SALES',
    'destination postgres etl_demo.sales',
    'script CUSTOMER',
    'destination postgres etl_demo.customer',
    'user operator@example.com (operator, granted the sample)',
    'user viewer@example.com (viewer, granted the sample)',
    'schedule EMPLOYEE every minute',
  ]);
  expect(await scheduleNames('operator')).toEqual(['EMPLOYEE every minute']);
  expect(await scheduleNames('viewer')).toEqual(['EMPLOYEE every minute']);
  expect(await scheduleNames('operator2')).toEqual([]);

  // An admin takes the EMPLOYEE script away from the operator; seeding again must not give it back.
  const admin = await signIn(cp.url, 'admin');
  const users = (await admin.agent.get('/api/v1/users')).body.items as { id: number; email: string; role: string }[];
  const operator = users.find((u) => u.email === 'operator@example.com')!;
  expect(operator.role).toBe('operator');
  const grants = (await admin.agent.get(`/api/v1/users/${operator.id}/permissions`)).body as { scriptIds: number[] };
  const employeeScript = Math.min(...grants.scriptIds);
  const removed = await admin.agent.delete(`/api/v1/users/${operator.id}/permissions?resourceType=script&resourceId=${employeeScript}`).set('x-csrf-token', admin.csrf);
  expect(removed.status).toBe(204);

  const second = await seedDemo(cp.controlPlane.services, settings);
  expect(second.created).toEqual([]);
  expect(second.kept).toHaveLength(10);
  expect(await scheduleNames('operator')).toEqual([]);
});

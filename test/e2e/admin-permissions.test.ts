// An admin grants an operator a source, script and destination in the permissions editor (real
// Chromium, dev IdP sign-in for both people), and the operator's schedule form offers them
// right after. Screenshots of the users, permissions and audit pages go to test-artifacts/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSample, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn } from '../api/support/sign-in.js';
import { grantAll, userIdOf } from '../authz/support/world.js';
import { ARTIFACTS, CHROMIUM_ARGS, recordCspViolations, signInThroughDevIdp } from '../support/browser.js';

const DESTINATION_URL = 'postgres://nobody:secret@127.0.0.1:1/none';

let cp: TestControlPlane;
let browser: Browser;
let a: SampleIds;
let b: SampleIds;
let operatorId: number;
const cspViolations: string[] = [];

async function signInAs(login: string, path: string): Promise<Page> {
  const context = await browser.newContext({ timezoneId: 'America/Sao_Paulo' }); // own cookie jar per person
  const page = await context.newPage();
  recordCspViolations(page, cspViolations);
  await page.goto(`${cp.url}${path}`);
  await signInThroughDevIdp(page, login, `${cp.url}${path}`);
  return page;
}

const sourceOptions = (page: Page) => page.locator('select[name=sourceId] option').allTextContents();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cp = await startTestControlPlane('e2e_admin_permissions');
  const admin = await signIn(cp.url, 'admin');
  const operator = await signIn(cp.url, 'operator');
  await signIn(cp.url, 'viewer');
  operatorId = await userIdOf(operator);
  a = await createSample(admin, DESTINATION_URL, { name: 'Sales', table: 'sales', grantDevUsers: false });
  b = await createSample(admin, DESTINATION_URL, { name: 'Payroll', table: 'payroll', grantDevUsers: false });
  await grantAll(admin, operatorId, a);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
});

test('an admin grants a permission and the operator\'s form choices change', async () => {
  const operator = await signInAs('operator', '/schedules/new');
  expect(await sourceOptions(operator)).toEqual(['Sales source']);
  expect(await operator.textContent('nav')).not.toContain('Users');

  const admin = await signInAs('admin', '/admin/users');
  expect(await admin.locator('#users tbody tr').count()).toBe(3);
  await admin.screenshot({ path: join(ARTIFACTS, 'admin-users.png'), fullPage: true });
  await admin.locator('tr[data-email="operator@example.com"]').getByRole('link', { name: 'Edit permissions' }).click();
  await admin.waitForURL(`${cp.url}/admin/users/${operatorId}/permissions`);
  expect(await admin.isChecked(`#sourceIds-${a.sourceId}`)).toBe(true);
  expect(await admin.isChecked(`#sourceIds-${b.sourceId}`)).toBe(false);
  await admin.getByLabel('Payroll source', { exact: true }).check();
  await admin.getByLabel(/^Payroll script/).check();
  await admin.getByLabel(/^Payroll destination/).check();
  await admin.click('text=Save permissions');
  await admin.waitForSelector('.alert-success');
  expect(await admin.textContent('.alert-success')).toBe('Permissions saved: 2 sources, 2 scripts, 2 destinations');
  await admin.screenshot({ path: join(ARTIFACTS, 'admin-permissions.png'), fullPage: true });

  await operator.reload();
  expect(await sourceOptions(operator)).toEqual(['Payroll source', 'Sales source']);
  await operator.goto(`${cp.url}/schedules`);
  expect(await operator.locator('table tbody tr td:first-child').allTextContents()).toEqual(['Payroll', 'Sales']);

  await admin.goto(`${cp.url}/admin/audit`);
  await admin.fill('#action', 'permission.');
  await admin.selectOption('#targetType', 'user');
  await admin.fill('#targetId', String(operatorId));
  await admin.click('text=Filter');
  await admin.waitForURL(/\/admin\/audit\?/);
  const rows = admin.locator('#audit tbody tr');
  expect(await rows.count()).toBe(4); // three grants by the setup, one editor save
  const first = await rows.nth(0).locator('td').allTextContents();
  expect(first.slice(1, 5)).toEqual(['admin@example.com', 'permission.update', `user ${operatorId}`, 'success']);
  expect(first[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC-03:00\)$/);
  await admin.screenshot({ path: join(ARTIFACTS, 'admin-audit.png'), fullPage: true });

  const viewer = await signInAs('viewer', '/');
  const refused = await viewer.goto(`${cp.url}/admin/users`);
  expect(refused?.status()).toBe(403);
  expect(cspViolations).toEqual([]);
}, 90_000);

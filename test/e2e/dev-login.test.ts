// A person's first minutes: sign in through the dev identity provider in real Chromium, land on
// the dashboard, run a schedule, watch it succeed. Screenshots go to test-artifacts/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createTestDatabase } from '../support/postgres.js';
import { createSample, SLOW_SQL } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { ManualClock } from '../api/support/manual-clock.js';
import { signIn } from '../api/support/sign-in.js';
import { ARTIFACTS, CHROMIUM_ARGS, recordCspViolations, signInThroughDevIdp } from '../support/browser.js';


let cp: TestControlPlane;
let context: BrowserContext;
let profile: string;
const clock = new ManualClock(new Date('2026-06-01T05:00:00Z'));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cp = await startTestControlPlane('e2e_login', { local: { clock } });
  const admin = await signIn(cp.url, 'admin');
  // Active, 03:00 in São Paulo = 06:00 UTC: fires when the test moves the clock.
  const destinationUrl = await createTestDatabase('e2e_dest');
  await createSample(admin, destinationUrl, { name: 'EMPLOYEE demo', table: 'employee', cron: '0 3 * * *', timeZone: 'America/Sao_Paulo', active: true });
  await createSample(admin, destinationUrl, { name: 'Slow demo', table: 'slow', sql: SLOW_SQL });
  profile = mkdtempSync(join(tmpdir(), 'etl-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timezoneId: 'UTC' });
});
afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await cp?.stop();
});

test('an operator signs in through the dev IdP, runs EMPLOYEE by hand, and sees it and a scheduled run succeed on the dashboard', async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  // "Run now" and "Stop" ask for confirmation (window.confirm): say yes.
  page.on('dialog', (dialog) => void dialog.accept());
  const cspViolations: string[] = [];
  recordCspViolations(page, cspViolations);

  await page.goto(`${cp.url}/schedules`);
  // Not signed in: the app sends us to the provider's login form.
  await signInThroughDevIdp(page, 'operator@example.com', `${cp.url}/schedules`);
  expect(await page.textContent('nav')).toContain('operator@example.com (operator)');

  await page.click('text=Run now');
  await page.waitForURL(/\/executions\/\d+$/);
  const executionUrl = page.url();
  for (let i = 0; i < 100 && (await page.textContent('#status')) !== 'succeeded'; i++) {
    await page.waitForTimeout(300);
    await page.goto(executionUrl);
  }
  expect(await page.textContent('#status')).toBe('succeeded');
  await page.screenshot({ path: join(ARTIFACTS, 'dev-login-execution.png'), fullPage: true });

  clock.advanceTo(new Date('2026-06-01T06:00:30Z'));
  const rows = page.locator('#executions tbody tr');
  const cells = async (i: number) => rows.nth(i).locator('td').allTextContents();
  for (let i = 0; i < 100; i++) {
    await page.goto(`${cp.url}/`);
    if ((await rows.count()) === 2 && (await cells(0))[1] === 'succeeded') break;
    await page.waitForTimeout(300);
  }
  const [scheduled, manual] = [await cells(0), await cells(1)];
  // #, status, schedule, trigger, who, scheduled for, started, finished, duration, rows
  expect([scheduled[1], scheduled[2], scheduled[3], scheduled[4], scheduled[9]]).toEqual(['succeeded', 'EMPLOYEE demo', 'scheduled', 'scheduler', '42']);
  expect([manual[1], manual[2], manual[3], manual[4], manual[9]]).toEqual(['succeeded', 'EMPLOYEE demo', 'manual', 'operator@example.com', '42']);
  expect(scheduled[5]).toBe('2026-06-01 06:00:00 (UTC+00:00)'); // 03:00 in São Paulo, shown in the browser's zone (UTC here)
  await page.screenshot({ path: join(ARTIFACTS, 'dev-login-dashboard.png'), fullPage: true });
  for (const [path, file] of [['/schedules', 'dev-login-schedules.png'], ['/catalog', 'catalog.png']] as const) {
    await page.goto(`${cp.url}${path}`);
    await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
  }
  expect(cspViolations).toEqual([]);
});

test('the operator stops a slow run with the Stop button (after confirming)', async () => {
  const page = context.pages()[0]!; // signed in by the previous test, which accepts the confirmations
  await page.goto(`${cp.url}/schedules`);
  await page.locator('tr', { hasText: 'Slow demo' }).locator('text=Run now').click();
  await page.waitForURL(/\/executions\/\d+$/);
  expect(await page.textContent('#status')).toBe('running');
  await page.click('#stop');
  await page.waitForSelector('#status:text("stopped")', { timeout: 20_000 });
  expect(await page.isVisible('#stop')).toBe(false);
  expect(await page.textContent('.alert-success')).toMatch(/^Execution \d+ stopped \(status stopped\)$/);
  await page.screenshot({ path: join(ARTIFACTS, 'dev-login-execution-stopped.png'), fullPage: true });
});

// The issue-5 pages in real Chromium, one browser with a context (cookie jar, time zone) per
// person, each signed in through the dev identity provider: the operator creates a schedule with
// the live cron preview (fixed clock: the March 2026 daylight-saving change in Berlin), runs it
// and watches it succeed with 42 rows, starts a slow ad-hoc run from the Run page and stops it;
// the viewer sees the running execution without a Stop button, no Run buttons and no admin
// pages; the dashboard's filters round-trip through the URL, keyset links give exact ids and
// rows refresh in place. Screenshots of the main pages go to test-artifacts/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../support/postgres.js';
import { createSample, SLOW_SQL, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { ManualClock } from '../api/support/manual-clock.js';
import { signIn } from '../api/support/sign-in.js';
import { ARTIFACTS, CHROMIUM_ARGS, recordCspViolations, signInThroughDevIdp } from '../support/browser.js';


// Schedules fire by this clock (and previews start from it): a week before Berlin's clocks jump.
const clock = new ManualClock(new Date('2026-03-20T12:00:00Z'));
let cp: TestControlPlane;
let browser: Browser;
let history: SampleIds;
/** 55 runs of the "History" schedule inserted in the database, newest first. */
let historyIds: number[] = [];
let operator: Page;
let viewer: Page;
const cspViolations: string[] = [];
let berlinRunId = 0;

async function signInAs(login: 'admin' | 'operator' | 'viewer', timezoneId: string, presetZone: boolean): Promise<Page> {
  const context = await browser.newContext({ timezoneId, viewport: { width: 1280, height: 900 } }); // own cookie jar per person
  // The browser tells the server its zone through the tz cookie (public/app.js, then one reload);
  // set it up front where the test does not look at that reload.
  if (presetZone) await context.addCookies([{ name: 'tz', value: encodeURIComponent(timezoneId), url: cp.url }]);
  const page = await context.newPage();
  recordCspViolations(page, cspViolations);
  page.on('pageerror', (err) => cspViolations.push(`page error: ${err.message}`));
  // Run now, Stop and Delete ask first: say yes.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${cp.url}/`);
  await signInThroughDevIdp(page, `${login}@example.com`, `${cp.url}/`);
  return page;
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
const rowIds = async (page: Page) => (await page.locator('#executions-body tr[data-id]:not([data-id="none"])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).map(Number);
const cellsOf = (page: Page, id: number) => page.locator(`#executions-body tr[data-id="${id}"] td`).allTextContents();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cp = await startTestControlPlane('e2e_pages', { local: { clock } });
  const admin = await signIn(cp.url, 'admin');
  const destinationUrl = await createTestDatabase('e2e_pages_dest');
  // Granted to the dev operator and viewer by createSample.
  await createSample(admin, destinationUrl, { name: 'EMPLOYEE', table: 'employee' });
  await createSample(admin, destinationUrl, { name: 'Slow', table: 'slow', sql: SLOW_SQL });
  history = await createSample(admin, destinationUrl, { name: 'History', table: 'history' });
  // 55 finished runs of History, an hour apart from 2026-03-10 00:00 UTC (more than a page).
  const client = new pg.Client({ connectionString: cp.databaseUrl });
  await client.connect();
  try {
    for (let i = 1; i <= 55; i++) {
      const at = new Date(Date.parse('2026-03-10T00:00:00Z') + i * 3_600_000);
      const res = await client.query<{ id: number }>(
        `INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status, scheduled_for, started_at, finished_at, rows_read, rows_written, params, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'scheduled', 'scheduler', $5, $6, $6, $7, $8, $8, $9, $6, $7) RETURNING id`,
        [history.scheduleId, history.sourceId, history.scriptId, history.destinationId, i % 5 === 0 ? 'failed' : 'succeeded', at,
          new Date(at.getTime() + i * 1000), i * 10, JSON.stringify({ schedule: 'History' })],
      );
      historyIds.unshift(res.rows[0]!.id);
    }
  } finally {
    await client.end();
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
});

test('each role signs in through the dev IdP and sees its own navigation; the viewer cannot reach admin pages', async () => {
  const admin = await signInAs('admin', 'Europe/Berlin', true);
  expect(await admin.textContent('nav .navbar-text')).toBe('admin@example.com (admin)');
  expect(await texts(admin, 'nav .nav-link')).toEqual(['Dashboard', 'Schedules', 'Run', 'Catalog', 'API tokens', 'Users', 'Audit log']);
  expect((await admin.goto(`${cp.url}/admin/users`))?.status()).toBe(200);
  await admin.context().close();

  operator = await signInAs('operator', 'Europe/Berlin', true);
  expect(await operator.textContent('nav .navbar-text')).toBe('operator@example.com (operator)');
  expect(await texts(operator, 'nav .nav-link')).toEqual(['Dashboard', 'Schedules', 'Run', 'Catalog', 'API tokens']);

  // The viewer's browser is in New York and has not told the server yet: the first page comes in
  // UTC, app.js stores the zone in the cookie and reloads once.
  viewer = await signInAs('viewer', 'America/New_York', false);
  await viewer.waitForSelector('#refresh-note:text("times in America/New_York")');
  expect(await viewer.textContent('#refresh-note')).toBe('Refreshes every 5 s · times in America/New_York');
  expect(await viewer.textContent('nav .navbar-text')).toBe('viewer@example.com (viewer)');
  expect(await texts(viewer, 'nav .nav-link')).toEqual(['Dashboard', 'Schedules', 'Catalog', 'API tokens']);
  for (const path of ['/admin/users', '/admin/audit', `/admin/users/1/permissions`]) {
    const refused = await viewer.goto(`${cp.url}${path}`);
    expect([path, refused?.status()]).toEqual([path, 403]);
  }
  expect(await viewer.textContent('main .alert-danger')).toBe('viewer@example.com (role viewer) may not manage users');
}, 90_000);

test('the operator creates a schedule with the live cron preview, runs it and watches it succeed with 42 rows', async () => {
  const page = operator;
  await page.goto(`${cp.url}/schedules/new`);
  // New form: the viewer's zone and 02:00 daily, previewed by the server.
  expect(await page.inputValue('#timeZone')).toBe('Europe/Berlin');
  expect(await page.textContent('#cron-heading')).toBe('Next 10 runs in Europe/Berlin:');
  await page.fill('#name', 'Berlin nightly');

  // The script list follows the chosen source; destinations go with any source.
  await page.selectOption('#sourceId', { label: 'Slow source' });
  expect(await texts(page, '#scriptId option')).toEqual(['Slow script']);
  await page.selectOption('#sourceId', { label: 'EMPLOYEE source' });
  expect(await texts(page, '#scriptId option')).toEqual(['EMPLOYEE script']);
  expect(await texts(page, '#destinationId option')).toEqual(['EMPLOYEE destination', 'History destination', 'Slow destination']);
  await page.selectOption('#destinationId', { label: 'EMPLOYEE destination' });

  // Typing: a wrong minute, then day-of-month AND day-of-week, then the real expression.
  await page.fill('#cron', '');
  await page.locator('#cron').pressSequentially('61 2 * * *');
  await page.waitForSelector('#cron-error');
  expect(await page.textContent('#cron-error')).toBe('minute 61 is above the maximum 59 in "61"');

  await page.fill('#cron', '');
  await page.locator('#cron').pressSequentially('30 2 1 * 1');
  await page.waitForSelector('#cron-runs li:first-child:text-is("2026-03-23 02:30 (UTC+01:00)")');
  expect(await texts(page, '.cron-warning')).toEqual([
    'Both day-of-month and day-of-week are set: the job runs on days matching EITHER field (standard cron and Kubernetes), not only days matching both.',
  ]);

  await page.fill('#cron', '30 2 * * *');
  await page.waitForSelector('#cron-runs li:first-child:text-is("2026-03-21 02:30 (UTC+01:00)")');
  expect(await page.textContent('#cron-heading')).toBe('Next 10 runs in Europe/Berlin:');
  // 29 March has no 02:30 in Berlin: the run after the 28th is on the 30th, an hour later in UTC.
  expect(await texts(page, '#cron-runs li')).toEqual([
    '2026-03-21 02:30 (UTC+01:00)', '2026-03-22 02:30 (UTC+01:00)', '2026-03-23 02:30 (UTC+01:00)', '2026-03-24 02:30 (UTC+01:00)',
    '2026-03-25 02:30 (UTC+01:00)', '2026-03-26 02:30 (UTC+01:00)', '2026-03-27 02:30 (UTC+01:00)', '2026-03-28 02:30 (UTC+01:00)',
    '2026-03-30 02:30 (UTC+02:00)', '2026-03-31 02:30 (UTC+02:00)',
  ]);
  const dstWarnings = [
    'On 2026-03-29 clocks in Europe/Berlin jump forward: 02:30 does not exist that day, so that run does not happen.',
    'On 2026-10-25 clocks in Europe/Berlin go back: 02:30 happens twice that day and the job runs twice then.',
  ];
  expect(await texts(page, '.cron-warning')).toEqual(dstWarnings);

  // The zone drives the preview too: São Paulo has no daylight saving any more.
  await page.fill('#timeZone', 'America/Sao_Paulo');
  await page.waitForSelector('#cron-heading:text-is("Next 10 runs in America/Sao_Paulo:")');
  expect((await texts(page, '#cron-runs li'))[0]).toBe('2026-03-21 02:30 (UTC-03:00)');
  expect(await page.locator('.cron-warning').count()).toBe(0);
  await page.fill('#timeZone', 'Europe/Berlin');
  await page.waitForSelector('#cron-heading:text-is("Next 10 runs in Europe/Berlin:")');
  expect(await texts(page, '.cron-warning')).toEqual(dstWarnings);
  await page.screenshot({ path: join(ARTIFACTS, 'schedule-form.png'), fullPage: true });

  // The form posts to /schedules itself: check the POST redirected, and say what it answered if not
  // (a CI run once found no success message here, with nothing to tell why).
  const [saved] = await Promise.all([page.waitForResponse((r) => r.url() === `${cp.url}/schedules` && r.request().method() === 'POST'), page.click('#save')]);
  expect({ status: saved.status(), body: saved.status() === 302 ? '' : (await saved.text()).replace(/\s+/g, ' ').slice(0, 3000) }).toEqual({ status: 302, body: '' });
  await page.waitForURL(`${cp.url}/schedules`);
  expect(await page.textContent('.alert-success')).toBe(`Schedule "Berlin nightly" saved. Note: ${dstWarnings.join(' ')}`);
  const row = page.locator('#schedules tbody tr', { hasText: 'Berlin nightly' });
  expect(await row.locator('td').allTextContents()).toEqual(['Berlin nightly', '30 2 * * *', 'Europe/Berlin', 'yes', '2026-03-21 02:30:00 (UTC+01:00)', 'never', 'Run nowEditDeactivateDelete']);

  // Run now (confirmed) → the execution page follows the run and reloads when it ends.
  await row.getByRole('button', { name: 'Run Berlin nightly now' }).click();
  await page.waitForURL(/\/executions\/\d+$/);
  berlinRunId = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
  expect(await page.textContent('.alert-success')).toBe(`Execution ${berlinRunId} started`);
  await page.waitForSelector('#status:text-is("succeeded")', { timeout: 60_000 });
  expect(await page.textContent('#rows')).toBe('42 / 42');
  expect(await page.textContent('#trigger')).toBe('manual by operator@example.com');
  expect(await page.locator('#stop').count()).toBe(0);
  const params = Object.fromEntries((await page.locator('#params dt').allTextContents()).map((k, i) => [k, i]));
  expect(Object.keys(params)).toContain('schedule');
  expect(await page.locator('#params dd').nth(params.schedule!).textContent()).toBe('Berlin nightly');
  expect(await page.textContent('#summary')).toMatch(/Started\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC\+01:00\)/);
  await page.screenshot({ path: join(ARTIFACTS, 'execution.png'), fullPage: true });

  await page.click('#full-log-link');
  await page.waitForURL(`${cp.url}/executions/${berlinRunId}/logs`);
  expect(await page.textContent('h1')).toBe(`Execution ${berlinRunId} · full log succeeded`);
  expect(await page.textContent('#log')).toContain('INFO run succeeded: 42 rows read, 42 written to postgres public.employee\n');
  // Log times in the page's zone (named once, above), with milliseconds: no raw UTC ISO times.
  const logLines = (await page.textContent('#log'))!.split('\n').filter(Boolean);
  expect(logLines.filter((l) => !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} (DEBUG|INFO|NOTICE|WARNING|ERROR) /.test(l))).toEqual([]);
  expect(await page.textContent('#zone-note')).toBe('Times in Europe/Berlin');
  await page.screenshot({ path: join(ARTIFACTS, 'execution-logs.png'), fullPage: true });

  await page.goto(`${cp.url}/schedules`);
  expect(await page.locator('#schedules tbody tr', { hasText: 'Berlin nightly' }).locator('td.last-run').textContent()).toBe('succeeded');
  await page.screenshot({ path: join(ARTIFACTS, 'schedules.png'), fullPage: true });
}, 120_000);

test('a slow ad-hoc run from the Run page: the viewer sees it without Stop, the operator stops it', async () => {
  const page = operator;
  await page.goto(`${cp.url}/run`);
  await page.selectOption('#sourceId', { label: 'Slow source' });
  expect(await texts(page, '#scriptId option')).toEqual(['Slow script']);
  await page.selectOption('#destinationId', { label: 'Slow destination' });
  expect(await texts(page, '#scheduleId option')).toEqual(['Berlin nightly', 'EMPLOYEE', 'History', 'Slow']);
  await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });
  await page.click('#run-ad-hoc-submit');
  await page.waitForURL(/\/executions\/\d+$/);
  const id = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
  expect(await page.textContent('.alert-success')).toBe(`Execution ${id} started (ad hoc)`);
  expect(await page.textContent('#trigger')).toBe('ad-hoc by operator@example.com');
  expect(await page.textContent('#status')).toBe('running');

  // The viewer (New York): the live tail renders new lines in the page's zone like the server does.
  // The follow request is answered with known lines (the run's own come at unknown times).
  const LONG_TOKEN = 'x'.repeat(400);
  let answered = false;
  await viewer.route(`${cp.url}/api/v1/executions/${id}/logs?since=*`, async (route) => {
    const since = Number(new URL(route.request().url()).searchParams.get('since'));
    const lines = answered ? [] : [
      { time: '2026-12-04T07:50:27.972Z', severity: 'INFO', message: 'tail line' },
      { time: '2026-12-04T07:50:28Z', severity: 'WARNING', message: `long ${LONG_TOKEN}` },
    ];
    answered = true;
    await route.fulfill({ json: { executionId: id, ok: true, source: 'local', status: 'running', active: true, lines, next: since + lines.length } });
  });
  await viewer.goto(`${cp.url}/executions/${id}`);
  expect(await viewer.getAttribute('#log', 'data-zone')).toBe('America/New_York');
  await viewer.waitForFunction(() => document.getElementById('log')!.textContent!.includes('tail line'));
  expect((await viewer.textContent('#log'))!.split('\n').slice(-3)).toEqual(['2026-12-04 02:50:27.972 INFO tail line', `2026-12-04 02:50:28 WARNING long ${LONG_TOKEN}`, '']);
  // A long line wraps inside the log box instead of running off the page.
  expect(await viewer.$eval('#log', (el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await viewer.screenshot({ path: join(ARTIFACTS, 'execution-live-tail.png'), fullPage: true });
  await viewer.unroute(`${cp.url}/api/v1/executions/${id}/logs?since=*`);

  // The viewer: same execution, no Stop; no Run buttons anywhere.
  await viewer.goto(`${cp.url}/executions/${id}`);
  expect([await viewer.textContent('#status'), await viewer.locator('#error').textContent({ timeout: 100 }).catch(() => null)]).toEqual(['running', null]);
  expect(await viewer.locator('#stop').count()).toBe(0);
  await viewer.goto(`${cp.url}/schedules`);
  expect(await viewer.locator('#schedules tbody tr').count()).toBe(4);
  expect(await viewer.locator('#schedules button').count()).toBe(0);
  expect(await viewer.locator('#new-schedule').count()).toBe(0);
  await viewer.goto(`${cp.url}/run`);
  expect(await viewer.textContent('#run-not-allowed')).toBe('Your role (viewer) may look at runs but not start them.');
  expect(await viewer.locator('main form').count()).toBe(0);

  await page.click('#stop'); // confirmed by the dialog handler
  await page.waitForSelector('#status:text-is("stopped")', { timeout: 30_000 });
  expect(await page.textContent('.alert-success')).toBe(`Execution ${id} stopped (status stopped)`);
  expect(await page.locator('#stop').count()).toBe(0);
  await viewer.goto(`${cp.url}/executions/${id}`);
  expect(await viewer.textContent('#status')).toBe('stopped');
}, 120_000);

test('dashboard: filters round-trip through the URL, Older/Newer give exact ids, rows refresh in place', async () => {
  const page = operator;
  await page.goto(`${cp.url}/`);
  await page.selectOption('#status', 'succeeded');
  await page.selectOption('#kind', 'manual');
  await page.click('#dashboard-filter button[type=submit]');
  await page.waitForURL(`${cp.url}/?status=succeeded&scheduleId=&kind=manual&from=&to=`);
  expect(await rowIds(page)).toEqual([berlinRunId]);
  const cells = await cellsOf(page, berlinRunId);
  expect([cells[1], cells[2], cells[3], cells[4], cells[5], cells[9]]).toEqual(['succeeded', 'Berlin nightly', 'manual', 'operator@example.com', '—', '42']);
  expect(cells[6]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC\+01:00\)$/);
  // 1280 px wide with an email in the Who column: the whole table fits, the Rows column is not cut.
  expect(page.viewportSize()!.width).toBe(1280);
  expect(await page.$eval('#executions', (table) => {
    const box = table.parentElement!; // .table-responsive
    return { scrolls: box.scrollWidth > box.clientWidth, pageScrolls: document.documentElement.scrollWidth > window.innerWidth };
  })).toEqual({ scrolls: false, pageScrolls: false });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1280-who.png'), fullPage: true });
  // The same URL again shows the same filter in the form.
  await page.reload();
  expect(await page.inputValue('#status')).toBe('succeeded');
  expect(await page.inputValue('#kind')).toBe('manual');
  expect(await rowIds(page)).toEqual([berlinRunId]);

  await page.selectOption('#kind', 'ad-hoc');
  await page.selectOption('#status', 'stopped');
  await page.click('#dashboard-filter button[type=submit]');
  await page.waitForURL(`${cp.url}/?status=stopped&scheduleId=&kind=ad-hoc&from=&to=`);
  expect(await rowIds(page)).toHaveLength(1);
  expect((await page.locator('#executions-body td').nth(3).textContent())).toBe('ad-hoc');

  // History: 55 runs, a page of 50 and the chart of the last 30.
  await page.goto(`${cp.url}/?scheduleId=${history.scheduleId}`);
  expect(await rowIds(page)).toEqual(historyIds.slice(0, 50));
  expect(await page.textContent('#schedule-charts h2')).toBe('Last 30 finished runs of History');
  expect(await page.locator('#schedule-charts rect').count()).toBe(60);
  expect(await texts(page, '#schedule-charts figcaption')).toEqual(['Duration per run (max 55.0 s)', 'Rows written per run (max 550 rows)']);
  // 2026-03-12 07:00 UTC (i = 55) in Berlin.
  expect((await cellsOf(page, historyIds[0]!)).slice(5, 9)).toEqual(['2026-03-12 08:00:00 (UTC+01:00)', '2026-03-12 08:00:00 (UTC+01:00)', '2026-03-12 08:00:55 (UTC+01:00)', '55 s']);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  expect(await page.locator('#newer').count()).toBe(0);
  await page.click('#older');
  await page.waitForURL(`${cp.url}/?scheduleId=${history.scheduleId}&before=${historyIds[49]}`);
  expect(await rowIds(page)).toEqual(historyIds.slice(50));
  expect(await page.locator('#older').count()).toBe(0);
  await page.click('#newer');
  await page.waitForURL(`${cp.url}/?scheduleId=${history.scheduleId}&after=${historyIds[50]}`);
  expect(await rowIds(page)).toEqual(historyIds.slice(0, 50));

  // In-place refresh: a row changes and a new run appears without the page navigating.
  await page.goto(`${cp.url}/?scheduleId=${history.scheduleId}`);
  await page.evaluate(() => Object.assign(window, { notReloaded: true }));
  const client = new pg.Client({ connectionString: cp.databaseUrl });
  await client.connect();
  let newId: number;
  try {
    await client.query(`UPDATE executions SET status = 'failed', error = 'late failure' WHERE id = $1`, [historyIds[1]]);
    newId = (await client.query<{ id: number }>(
      `INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status, params)
       VALUES ($1, $2, $3, $4, 'manual', 'operator@example.com', 'pending', $5) RETURNING id`,
      [history.scheduleId, history.sourceId, history.scriptId, history.destinationId, JSON.stringify({ schedule: 'History' })],
    )).rows[0]!.id;
  } finally {
    await client.end();
  }
  await page.waitForSelector(`#executions-body tr[data-id="${newId}"]`, { timeout: 15_000 });
  expect(await rowIds(page)).toEqual([newId, ...historyIds.slice(0, 49)]);
  expect((await cellsOf(page, newId))[1]).toBe('pending');
  expect((await cellsOf(page, historyIds[1]!))[1]).toBe('failed');
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // A phone-sized screen: the navigation collapses behind the toggler, which the keyboard opens.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${cp.url}/schedules`);
  const schedulesLink = page.locator('nav .nav-link', { hasText: 'Schedules' });
  expect(await schedulesLink.isVisible()).toBe(false);
  await page.focus('.navbar-toggler');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#main-nav.show');
  expect(await schedulesLink.isVisible()).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'schedules-narrow.png'), fullPage: true });
  expect(cspViolations).toEqual([]);
}, 120_000);

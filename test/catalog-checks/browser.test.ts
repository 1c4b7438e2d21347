// The catalog checks in real Chromium (strict CSP, public/app.js): an admin tests a new source's
// typed settings in place (the password stays in its field), previews a script from the catalog
// and tests a saved source. Screenshots go to test-artifacts/.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createSample, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn } from '../api/support/sign-in.js';
import { firebird } from '../support/firebird.js';
import { ARTIFACTS, CHROMIUM_ARGS, recordCspViolations, signInThroughDevIdp } from '../support/browser.js';


let cp: TestControlPlane;
let context: BrowserContext;
let profile: string;
let page: Page;
let sample: SampleIds;
const cspViolations: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cp = await startTestControlPlane('catalog_checks_browser');
  const admin = await signIn(cp.url, 'admin');
  sample = await createSample(admin, 'postgres://nobody:secret@127.0.0.1:1/none', { name: 'Employee', sql: 'SELECT * FROM EMPLOYEE ORDER BY EMP_NO', grantDevUsers: false });
  profile = mkdtempSync(join(tmpdir(), 'etl-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timezoneId: 'UTC' });
  page = context.pages()[0] ?? (await context.newPage());
  recordCspViolations(page, cspViolations);
  await page.goto(`${cp.url}/catalog`);
  await signInThroughDevIdp(page, 'admin@example.com', `${cp.url}/catalog`);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await cp?.stop();
});

test('a new source: Test connection shows the result in place and keeps the typed password', async () => {
  await page.goto(`${cp.url}/sources/new`);
  await page.fill('#name', 'Typed in the browser');
  await page.fill('#host', firebird.host);
  await page.fill('#port', String(firebird.port));
  await page.fill('#database', firebird.employeeDatabase);
  await page.fill('#user', firebird.readerUser);
  await page.fill('#password', 'not-the-password');
  await page.click('#test-connection');
  const alert = page.locator('#connection-check .alert');
  await alert.waitFor();
  expect(await alert.getAttribute('class')).toBe('alert alert-danger');
  expect(await alert.textContent()).toContain(`Failed: Firebird refused the login of user ETL_READER at ${firebird.host}:${firebird.port}: the user name or password is wrong`);
  expect(page.url()).toBe(`${cp.url}/sources/new`);

  await page.fill('#password', firebird.readerPassword);
  await page.click('#test-connection');
  await page.locator('#connection-check .alert-success').waitFor();
  expect(await page.textContent('#connection-check')).toMatch(/^Connected to Firebird 3\.0\.\d+ at /);
  expect(await page.inputValue('#password')).toBe(firebird.readerPassword);
  await page.screenshot({ path: join(ARTIFACTS, 'catalog-test-connection.png'), fullPage: true });

  // Saving after the test works with the same typed values.
  await page.click('button:text-is("Save")');
  await page.waitForURL(`${cp.url}/catalog`);
  expect(await page.textContent('.alert-success')).toBe('Source "Typed in the browser" saved');
});

test('the catalog: Preview first 20 rows shows the rows; Test connection of a saved source', async () => {
  await page.goto(`${cp.url}/catalog`);
  await page.click(`form[action="/scripts/${sample.scriptId}/preview"] button`);
  await page.waitForURL(`${cp.url}/scripts/${sample.scriptId}/preview`);
  expect(await page.textContent('#check-result')).toBe('The first 20 rows of script "Employee script" (11 columns) from source "Employee source"');
  expect(await page.locator('#preview tbody tr').count()).toBe(20);
  expect(await page.locator('#preview tbody tr').first().locator('td').allTextContents()).toEqual(['2', 'Robert', 'Nelson', '250', '1988-12-28T00:00:00', '600', 'VP', '2', 'USA', '105900.00', 'Nelson, Robert']);
  expect(await page.locator('#preview thead th').nth(9).textContent()).toBe('SALARYNUMERIC, scale 2');
  await page.screenshot({ path: join(ARTIFACTS, 'catalog-preview.png'), fullPage: true });

  await page.goto(`${cp.url}/catalog`);
  await page.click(`form[action="/sources/${sample.sourceId}/test"] button`);
  await page.waitForURL(`${cp.url}/sources/${sample.sourceId}/test`);
  expect(await page.textContent('#check-result')).toMatch(/^Connected to Firebird 3\.0\.\d+ at /);
  expect(await page.textContent('#check-meta')).toMatch(/^Checked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+00:00\) by admin@example\.com, \d+ ms$/);
  expect(cspViolations).toEqual([]);
});

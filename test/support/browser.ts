// Browser tests' shared pieces: Debian's Chromium through playwright-core, the screenshot folder,
// CSP-violation capture and the dev identity provider's sign-in form.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Screenshots (gitignored), kept by CI as artifacts. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Collects Content-Security-Policy violations the page reports in its console into `sink`. */
export function recordCspViolations(page: Page, sink: string[]): void {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) sink.push(m.text());
  });
}

/**
 * On the dev IdP's login form (where the app sent an anonymous visitor): signs in as `login`,
 * consents, and waits until the app has brought the browser back to `returnUrl`. A timeout says
 * where the browser ended up and what that page said.
 */
export async function signInThroughDevIdp(page: Page, login: string, returnUrl: string): Promise<void> {
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
  await page.click('button[type=submit]');
  await page.waitForURL(returnUrl, { timeout: 10_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}; at ${page.url()}: ${(await page.textContent('body'))?.slice(0, 500)}`);
  });
}

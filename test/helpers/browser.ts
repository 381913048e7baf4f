import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

/** Debian's Chromium; no browser download (the machines reach only the npm and Debian registries). */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve('reports/screenshots');
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/**
 * Locally a missing Chromium skips the browser tests; in CI (.ci/run installs it) it is a failure.
 * Call at the top level of a browser test file.
 */
export function requireChromiumInCi(): void {
  if (process.env.CI && !HAS_CHROMIUM) {
    it('Chromium is installed for the browser tests', () => {
      expect.fail(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
    });
  }
}

/** One headless browser for a describe block; closed after it. The flags keep it off the network. */
export function useBrowser(): () => Browser {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser;
}

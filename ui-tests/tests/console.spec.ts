// A notebook without a store (nothing stored yet) makes no failing request: before the first stored run the
// sidebar and the badges used to ask the server about a store that did not exist, a 404 in the browser console
// every ~15 s. The kernel says whether its store exists; the UI asks the server only when it does.
// Fixture: notebooks/states.ipynb (cells pre-armed; the fast one is skipped, so no store is created).
import { expect, test } from './fixtures';
import { BROWSER_ID, expectBadge, keepScreenshot, openFixture, runCell } from './helpers';

const INPUTS = 0;
const FAST = 1;
/** Two sidebar poll periods and three badge poll periods. */
const WATCH_MS = 32_000;

test('no request errors in the console for a notebook without a store, sidebar open', async ({
  page,
  tmpPath
}, testInfo) => {
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('console', m => {
    if (m.type() === 'error') {
      errors.push(m.text());
    }
  });
  page.on('response', r => {
    if (r.url().includes('/xetcache/') && r.status() >= 400) {
      failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    }
  });
  await openFixture(page, tmpPath, 'states.ipynb');
  const browser = page.locator(`#${BROWSER_ID}`);
  await page.sidebar.openTab(BROWSER_ID);
  await runCell(page, INPUTS);
  await runCell(page, FAST);
  await expectBadge(page, FAST, 'skipped');
  await expect(browser).toContainText('No cached cells in this notebook yet');
  // Not a timing assertion: the page is watched for a fixed span and its failures are counted.
  await page.waitForTimeout(WATCH_MS);
  await keepScreenshot(browser, testInfo, 'sidebar-no-store');
  expect(failed).toEqual([]);
  expect(errors.filter(e => /404|Failed to load resource/.test(e))).toEqual([]);
});

// JupyterLab in which the index server cannot start (project `no-server` in playwright.config.js: its second
// JupyterLab runs with XETCACHE_NODE pointing at no program, as on a machine without Node). What the user must get:
// one message in the sidebar that says what is wrong and how to fix it, no flood of requests to the proxy (each one
// makes it try to start the server again), and cells that still run and cache (caching lives in the kernel).
import { expect, test } from './fixtures';
import {
  BROWSER_ID,
  cell,
  expectBadge,
  keepScreenshot,
  openFixture,
  outputText,
  runCell
} from './helpers';

const INPUTS = 0;
const CACHED = 1;
/** How long the page is watched for requests to the (broken) server. */
const WATCH_MS = 30_000;
/**
 * Requests to /xetcache/api/status allowed in WATCH_MS: the first check, two backoff retries (5 s, then 10 s later),
 * with room for one more. The sidebar polls every 15 s and refreshes after every cached run, and the badges look up
 * entries on every open and stored run: without the backoff that is already more than this.
 */
const MAX_STATUS_REQUESTS = 5;

test('without a working server the sidebar says what to do, the proxy is not flooded, and cells still cache', async ({
  page,
  tmpPath
}, testInfo) => {
  const status: string[] = [];
  const other: string[] = [];
  page.on('request', r => {
    const p = new URL(r.url()).pathname;
    if (p.includes('/xetcache/')) {
      (p.endsWith('/xetcache/api/status') ? status : other).push(p);
    }
  });
  // Count from a fresh start of the application (galata loaded it before the listener existed).
  await page.reload();
  const watchUntil = Date.now() + WATCH_MS;

  const browser = page.locator(`#${BROWSER_ID}`);
  const problem = browser.locator('.jp-xetcache-problem[role="alert"]');
  await openFixture(page, tmpPath, 'no_server.ipynb');

  await test.step('the sidebar shows one message: the server did not start, and the fix', async () => {
    await page.sidebar.openTab(BROWSER_ID);
    await expect(problem).toHaveCount(1);
    await expect(problem).toContainText('did not start');
    await expect(problem).toContainText(/reinstall xetcache/);
    await expect(problem).toContainText('restart JupyterLab');
    await expect(browser).not.toContainText('Loading');
    await keepScreenshot(browser, testInfo, 'sidebar-server-did-not-start');
  });

  await test.step('a cell with caching on still runs and is stored by the kernel', async () => {
    await runCell(page, INPUTS);
    await runCell(page, CACHED);
    const b = await expectBadge(page, CACHED, 'stored');
    expect(await outputText(page, CACHED)).toContain('value 42');
    // The badge says what happened to the run; the server problem is said once, in the sidebar.
    expect(await b.getAttribute('title')).not.toContain('XetCache server');
    await keepScreenshot(await cell(page, CACHED), testInfo, 'badge-stored-without-server');
  });

  await test.step(`the page asked the server only a few times in ${WATCH_MS / 1000} s`, async () => {
    // Not a timing assertion: the page is watched for a fixed span and the number of requests is counted.
    await page.waitForTimeout(Math.max(0, watchUntil - Date.now()));
    expect(status.length, `status requests: ${status.length}`).toBeGreaterThanOrEqual(1);
    expect(status.length, `status requests: ${status.length}`).toBeLessThanOrEqual(
      MAX_STATUS_REQUESTS
    );
    // While the server is down nothing else is asked (no entry lookups for the sidebar or the badges).
    expect(other).toEqual([]);
  });

  await test.step('the refresh button asks again at once; the message stays', async () => {
    const before = status.length;
    await browser.locator('button[data-action="refresh"]').click();
    await expect
      .poll(() => status.length, { message: 'a status request after refresh' })
      .toBeGreaterThan(before);
    await expect(problem).toHaveCount(1);
    await expect(problem).toContainText('did not start');
  });
});

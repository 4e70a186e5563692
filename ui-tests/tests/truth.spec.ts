// A badge tells the state of the current run or of the store as it is now, never a leftover (issue 12, item 2):
// while a cell that was a hit computes again it says `running`; after "Restart Kernel and Clear Outputs" the
// previous run's `hit` is gone (the store decides: `stored`); an entry evicted from the sidebar, or behind the UI's
// back (the CLI; here the server API, which the CLI shares), takes its badge back to what the store now holds.
// Fixture: notebooks/truth.ipynb, the slow cell (3.5 s, default threshold) pre-armed; "more" changes its input.
import { expect, test } from './fixtures';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import {
  BROWSER_ID,
  badge,
  cell,
  expectBadge,
  keepScreenshot,
  openFixture,
  realRuns,
  restartAndClear,
  runCell,
  waitForKernelIdle
} from './helpers';

const INPUTS = 0;
const SLOW = 1;
const MORE = 2;

/** Stored, then (after a restart) a hit: the state every scenario starts from. */
async function storeThenHit(page: IJupyterLabPageFixture): Promise<void> {
  await runCell(page, INPUTS);
  await runCell(page, SLOW);
  await expectBadge(page, SLOW, 'stored');
  await restartAndClear(page);
  await runCell(page, INPUTS);
  await runCell(page, SLOW);
  await expectBadge(page, SLOW, 'hit');
}

test('restart and clear drops the hit badge; a hit cell that computes again says running', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'truth.ipynb');
  await storeThenHit(page);
  await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-hit');

  await test.step('Restart Kernel and Clear Outputs: the store decides (an entry for this code: stored)', async () => {
    await restartAndClear(page);
    const b = await expectBadge(page, SLOW, 'stored');
    await expect(b).toHaveText('stored');
    await expect(b).toHaveAttribute('title', /cached entry from/);
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-stored-from-store');
  });

  await test.step('a hit, then a new input: while it computes, the badge says running', async () => {
    await runCell(page, INPUTS);
    await runCell(page, SLOW);
    await expectBadge(page, SLOW, 'hit');
    await runCell(page, MORE);
    expect(await page.notebook.runCell(SLOW, { inplace: true, wait: false })).toBe(true);
    const b = await expectBadge(page, SLOW, 'running');
    await expect(b).toHaveAttribute('aria-label', /^XetCache: running\./);
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-running');
    await expectBadge(page, SLOW, 'stored');
    await waitForKernelIdle(page);
    expect(await realRuns(page, tmpPath)).toBe(2);
  });
});

test('an entry evicted behind the UI (CLI, server API) or from the sidebar takes its badge back to the store', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'truth.ipynb');
  await storeThenHit(page);
  const store = `${tmpPath}/.xetcache`;

  await test.step('evicted through the server API, as `xetcache evict` does: the hit badge goes', async () => {
    const list = await page.request.get(
      `/xetcache/api/entries?store=${encodeURIComponent(store)}&notebook=truth.ipynb`
    );
    expect(list.ok()).toBe(true);
    const { entries } = (await list.json()) as { entries: { key: string }[] };
    expect(entries).toHaveLength(1);
    const evicted = await page.request.post('/xetcache/api/evict', {
      data: { store, key: entries[0].key },
      headers: { 'X-XetCache': '1' }
    });
    expect(evicted.ok(), await evicted.text()).toBe(true);
    // Nothing in the page was told: the badges re-read the store on their own (a poll while visible).
    const b = await expectBadge(page, SLOW, 'armed');
    await expect(b).toHaveText('armed');
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-armed-after-evict');
  });

  await test.step('stored again, then evicted from the sidebar: the badge follows at once', async () => {
    await runCell(page, SLOW);
    await expectBadge(page, SLOW, 'stored');
    const browser = page.locator(`#${BROWSER_ID}`);
    await page.sidebar.openTab(BROWSER_ID);
    const row = browser.locator('.jp-xetcache-entry');
    await expect(row).toHaveCount(1, { timeout: 30_000 });
    await row.getByRole('button', { name: /^evict$/i }).click();
    await expect(row).toHaveCount(0, { timeout: 30_000 });
    await expectBadge(page, SLOW, 'armed');
    expect(await (await badge(page, SLOW)).getAttribute('title')).toMatch(/Caching is on/);
  });
});

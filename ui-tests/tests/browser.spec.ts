// The cache browser sidebar (#xetcache-browser): it lists the entry a run stored, and evicting it from there makes
// the next run compute again (the badge says stored, and the side-effect file proves the cell really ran).
// Fixture: notebooks/browser.ipynb, the slow cell (3.5 s, default 3 s threshold) pre-armed through its metadata.
import { expect, test } from './fixtures';
import type { Locator } from '@playwright/test';
import { BROWSER_ID, expectBadge, keepScreenshot, openFixture, realRuns, runCell } from './helpers';

const INPUTS = 0;
const SLOW = 1;
// The first line of the slow cell, which the entry's preview shows.
const PREVIEW = 'slow cell';

test('the sidebar lists a stored entry, and evicting it makes the next run recompute', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'browser.ipynb');
  await runCell(page, INPUTS);
  await runCell(page, SLOW);
  await expectBadge(page, SLOW, 'stored');
  expect(await realRuns(page, tmpPath)).toBe(1);

  const browser = page.locator(`#${BROWSER_ID}`);
  await test.step('open the cache browser: the entry is listed', async () => {
    await page.sidebar.openTab(BROWSER_ID);
    await expect(browser).toBeVisible();
    await expect(browser).toContainText(PREVIEW, { timeout: 30_000 });
    await keepScreenshot(browser, testInfo, 'sidebar-with-entry');
  });

  await test.step('evict the entry from the sidebar', async () => {
    const evict = await evictButton(browser);
    await evict.click();
    // Evicting may ask for confirmation; accept it if it does.
    const dialog = page.locator('.jp-Dialog');
    const asked = await dialog.waitFor({ state: 'visible', timeout: 2_000 }).then(
      () => true,
      () => false
    );
    if (asked) {
      await dialog.locator('.jp-mod-accept').click();
    }
    await expect(browser).not.toContainText(PREVIEW, { timeout: 30_000 });
    await keepScreenshot(browser, testInfo, 'sidebar-after-evict');
  });

  await test.step('the next run computes again and stores a new entry', async () => {
    await runCell(page, SLOW);
    await expectBadge(page, SLOW, 'stored');
    expect(await realRuns(page, tmpPath)).toBe(2);
    await expect(browser).toContainText(PREVIEW, { timeout: 30_000 });
  });
});

/**
 * The entry's own evict control (not "Evict notebook" / "Evict cell", which would also pass the test but not
 * exercise evicting one entry): a button named "Evict" (or "Evict entry").
 */
async function evictButton(browser: Locator): Promise<Locator> {
  const button = browser.getByRole('button', { name: /^evict( entry)?$/i }).first();
  await expect(button, 'an entry "Evict" button in the cache browser').toBeVisible({
    timeout: 30_000
  });
  return button;
}

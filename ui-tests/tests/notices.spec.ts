// The engine's transient notices (progress of a lazy Git LFS or team-cache fetch) are shown as JupyterLab
// notifications, one per transfer: "fetching…" is updated to "fetched" instead of a second toast, and none of it
// is written into the cell's outputs. Fixture: notebooks/notices.ipynb sends the two lines of one transfer through
// the kernel's own notice module (the comm the extension opened), one cell each.
import { expect, test } from './fixtures';
import { keepScreenshot, openFixture, outputText, runCell } from './helpers';

const TOAST = '.Toastify__toast';
const CENTER_BUTTON = '.jp-Notification-Status';
const CENTER_ITEM = '.jp-Notification-List-Item';

test('a transfer is one notification: fetching…, then updated to fetched', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'notices.ipynb');

  await runCell(page, 0);
  const toast = page.locator(TOAST).filter({ hasText: 'xetcache: fetch' });
  await expect(toast).toHaveCount(1, { timeout: 30_000 });
  await expect(toast).toContainText('fetching 3 objects (12 MiB) from LFS');
  await keepScreenshot(page.locator(TOAST).first(), testInfo, 'notice-fetching');
  expect(await outputText(page, 0)).not.toContain('fetching');

  await runCell(page, 1);
  expect(await outputText(page, 1)).not.toContain('fetched');
  // Updated in place, never a second notification: the center keeps every one, so exactly one item for the
  // transfer, with its last text (the toast closes itself 5 s after "fetched", so the center is what is checked).
  await page.locator(CENTER_BUTTON).click();
  const items = page.locator(CENTER_ITEM).filter({ hasText: 'xetcache: fetch' });
  await expect(items).toContainText('fetched 12 MiB in 2.0 s', { timeout: 30_000 });
  await expect(items).toHaveCount(1);
  await keepScreenshot(items.first(), testInfo, 'notice-fetched');
});

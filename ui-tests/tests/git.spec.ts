// "Git and LFS": a store in a git repository where Git LFS is not set up is said once (a notification) and stays
// as a line in the cache browser with the exact command that fixes it; a repository with LFS set up says nothing.
// The JupyterLab under test runs with an empty global git config (playwright.config.js `bareGit`), so this
// machine's own `git lfs install` cannot hide the problem. Fixtures: notebooks/git_setup.ipynb makes the two
// repositories with the notebook's own kernel; notebooks/repo.ipynb is opened inside each.
import { expect, test } from './fixtures';
import { BROWSER_ID, keepScreenshot, openFixture, outputText, runCell } from './helpers';

const NOTICE = '.jp-xetcache-git-notice';
// JupyterLab's notification center (the toasts close themselves; the center keeps every notification).
const CENTER_BUTTON = '.jp-Notification-Status';
const CENTER_ITEM = '.jp-Notification-List-Item';

test('a store in a repository without Git LFS set up shows `git lfs install` once; a ready one shows nothing', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'git_setup.ipynb');
  await runCell(page, 0);
  expect(await outputText(page, 0)).toContain('repositories ready');

  const browser = page.locator(`#${BROWSER_ID}`);
  await page.sidebar.openTab(BROWSER_ID);

  await test.step('LFS set up in the repository: no notice', async () => {
    await openFixture(page, `${tmpPath}/lfs_ready`, 'repo.ipynb');
    await expect(browser.locator('.jp-xetcache-store')).toHaveText(
      `${tmpPath}/lfs_ready/.xetcache`,
      { timeout: 30_000 }
    );
    await expect(browser).toHaveAttribute('data-xetcache-git', 'ok', { timeout: 30_000 });
    await expect(browser.locator(NOTICE)).toHaveCount(0);
    await page.notebook.close(true);
  });

  await test.step('LFS not set up: a notification and a persistent line with the fix', async () => {
    await openFixture(page, `${tmpPath}/lfs_missing`, 'repo.ipynb');
    await expect(browser.locator('.jp-xetcache-store')).toHaveText(
      `${tmpPath}/lfs_missing/.xetcache`,
      { timeout: 30_000 }
    );
    const notice = browser.locator(NOTICE);
    await expect(notice).toHaveCount(1, { timeout: 30_000 });
    await expect(notice).toContainText('Git LFS');
    await expect(notice.locator('code')).toHaveText('git lfs install');
    await expect(browser).toHaveAttribute('data-xetcache-git', 'notice');
    await keepScreenshot(browser, testInfo, 'sidebar-git-notice');
  });

  await test.step('the line stays after a refresh; one notification in all (none for the ready store)', async () => {
    await browser.locator('button[data-action="refresh"]').click();
    await expect(browser.locator('.jp-xetcache-summary')).toBeVisible({ timeout: 30_000 });
    await expect(browser.locator(NOTICE)).toHaveCount(1);
    await page.locator(CENTER_BUTTON).click();
    const said = page.locator(CENTER_ITEM).filter({ hasText: 'Git LFS' });
    await expect(said).toHaveCount(1);
    await expect(said).toContainText('git lfs install');
  });
});

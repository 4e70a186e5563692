// Cached runs still fire the notebook's execution signals that other extensions rely on. JupyterLab's own Table of
// Contents listens to them: NotebookActions.executionScheduled marks the heading above a cell running
// (data-running="1"), NotebookActions.executed marks it idle ("-1") on success or failed ("-0.5") on an error. If the
// cached path skipped either signal, a heading would never show running, or would stay running forever.
// Fixture: notebooks/signals.ipynb — a cached 1.5 s cell under "Cached section", a cached raising cell under
// "Failing section".
import { expect, test } from './fixtures';
import { expectBadge, openFixture, restartAndClear, runCell } from './helpers';

const INPUTS = 1;
const CACHED = 2;
const FAILING = 4;
const RUNNING = '1';
const IDLE = '-1';
const FAILED = '-0.5';

test('cached runs fire executionScheduled and executed: the Table of Contents follows them', async ({
  page,
  tmpPath
}) => {
  await openFixture(page, tmpPath, 'signals.ipynb');
  await page.sidebar.openTab('table-of-contents');
  const cached = page.locator('.jp-tocItem-content[title="Cached section"]');
  const failing = page.locator('.jp-tocItem-content[title="Failing section"]');
  await expect(cached).toHaveAttribute('data-running', IDLE);

  await test.step('a miss: running while it runs, idle once executed', async () => {
    await runCell(page, INPUTS);
    await page.notebook.runCell(CACHED, { inplace: true, wait: false });
    await expect(cached).toHaveAttribute('data-running', RUNNING, { timeout: 10_000 });
    await expectBadge(page, CACHED, 'stored');
    await expect(cached).toHaveAttribute('data-running', IDLE);
  });

  await test.step('a hit after a restart: executed fires too (the heading does not stay running)', async () => {
    await restartAndClear(page);
    await runCell(page, INPUTS);
    await runCell(page, CACHED);
    await expectBadge(page, CACHED, 'hit');
    await expect(cached).toHaveAttribute('data-running', IDLE);
  });

  await test.step('a cached cell that raises: executed reports the failure', async () => {
    await page.notebook.runCell(FAILING, { inplace: true, wait: false });
    await expect(failing).toHaveAttribute('data-running', FAILED, { timeout: 30_000 });
    await expect(cached).toHaveAttribute('data-running', IDLE);
  });
});

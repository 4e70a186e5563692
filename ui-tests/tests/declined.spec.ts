// Soundness and visible dependencies. A cell the engine refuses to cache (it uses exec) still runs and its badge
// says "not cached" and why (state `declined`); a cached cell's tooltip and its options dialog show what the entry
// depends on and what it restores. Fixture: notebooks/declined.ipynb.
import { expect, test } from './fixtures';
import {
  TOGGLE,
  cell,
  execCommand,
  expectBadge,
  keepScreenshot,
  openFixture,
  outputText,
  runCell
} from './helpers';

const EXEC = 0;
const INPUTS = 1;
const USES = 2;

test('a cell that uses exec is declined: it runs, and its badge says "not cached" and why', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'declined.ipynb');
  await page.notebook.selectCells(EXEC);
  const c = await cell(page, EXEC);
  await c.locator(TOGGLE).first().click();
  await expectBadge(page, EXEC, 'armed');

  await runCell(page, EXEC);
  const b = await expectBadge(page, EXEC, 'declined');
  await expect(b).toHaveText('not cached');
  await expect(b).toHaveAttribute('title', /^not cached: .*exec/);
  // The cell ran normally.
  expect(await outputText(page, EXEC)).toContain('x is 1');
  await keepScreenshot(c, testInfo, 'badge-declined');
});

test('what a cached cell depends on and restores shows in its tooltip and its options dialog', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'declined.ipynb');
  await runCell(page, INPUTS);
  await runCell(page, USES);
  const b = await expectBadge(page, USES, 'stored');
  await expect(b).toHaveAttribute('title', /\ndepends on: base\b.*; restores: y\b/);

  await page.notebook.selectCells(USES);
  await execCommand(page, 'xetcache:edit-cell-options');
  const recorded = page.locator('.jp-Dialog .jp-xetcache-options-recorded');
  await expect(recorded).toBeVisible();
  await expect(recorded.locator('dt', { hasText: 'Depends on' })).toBeVisible();
  await expect(recorded.locator('dt:text-is("Depends on") + dd')).toHaveText(/\bbase\b/);
  await expect(recorded.locator('dt:text-is("Restores") + dd')).toHaveText(/\by\b/);
  await keepScreenshot(page.locator('.jp-Dialog-content'), testInfo, 'options-recorded');
  await page.locator('.jp-Dialog .jp-mod-reject').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
});

// The byte budget (setting max_bytes) is enforced by the kernel engine: a run that would take the store past it is
// not stored, the badge says the store is full and what to do, and the cell itself still ran (output shown,
// variable defined). Fixture: notebooks/budget.ipynb, a cached cell making a ~0.5 MB list, and a cell using it.
import { expect, test } from './fixtures';
import {
  expectBadge,
  keepScreenshot,
  cell,
  openFixture,
  outputText,
  runCell,
  setSetting,
  xetcacheWarnings
} from './helpers';

const BIG = 0;
const USE = 1;

test('a run over the byte budget: badge error "store is full" with what to do, and the cell still succeeded', async ({
  page,
  tmpPath
}, testInfo) => {
  const warnings = xetcacheWarnings(page);
  await openFixture(page, tmpPath, 'budget.ipynb');
  await setSetting(page, 'max_bytes', 1000);
  await setSetting(page, 'threshold_s', 0);

  await runCell(page, BIG);
  const b = await expectBadge(page, BIG, 'error');
  await expect(b).toHaveAttribute('title', /budget/);
  await expect(b).toHaveAttribute('title', /store is full/);
  await expect(b).toHaveAttribute('title', /Settings/);
  expect(await outputText(page, BIG)).toContain('made 100000');
  await keepScreenshot(await cell(page, BIG), testInfo, 'badge-error-store-full');

  await runCell(page, USE);
  expect(await outputText(page, USE)).toContain('big has 100000');
  expect(warnings).toEqual([]);

  // Raising the budget (null = none) lets the same run be stored.
  await setSetting(page, 'max_bytes', null);
  await runCell(page, BIG);
  await expectBadge(page, BIG, 'stored');
});

// The other badge states, each with its reason in the tooltip: a fast cell is skipped (and says it was below the
// threshold), an unpicklable result is an error naming the variable, and `%%xetmemo` cells (the seed API, no
// toggle) get badges too. Fixture: notebooks/states.ipynb (cells pre-armed through their `xetcache` metadata).
import { expect, test } from './fixtures';
import {
  cell,
  expectBadge,
  keepScreenshot,
  openFixture,
  outputText,
  restartAndClear,
  runCell
} from './helpers';

const INPUTS = 0;
const FAST = 1;
const UNPICKLABLE = 2;
const MEMO = 3;
const MEMO_USE = 4;

test('a notebook saved with caching on shows armed badges before anything runs; %%xetmemo cells none', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'states.ipynb');
  await expectBadge(page, FAST, 'armed');
  await expectBadge(page, UNPICKLABLE, 'armed');
  // Cells with caching off get no badge, and neither does a %%xetmemo cell before it ran: it was never toggled, so
  // a grey "armed" badge would claim a state the user did not choose (issue 12, item 9).
  await expect((await cell(page, INPUTS)).locator('.jp-xetcache-badge')).toHaveCount(0);
  await expect((await cell(page, MEMO)).locator('.jp-xetcache-badge')).toHaveCount(0);
  await keepScreenshot(await cell(page, FAST), testInfo, 'badge-armed');
});

test('a fast cell is skipped and says it was under the threshold', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'states.ipynb');
  await runCell(page, INPUTS);
  await runCell(page, FAST);
  const b = await expectBadge(page, FAST, 'skipped');
  await expect(b).toHaveAttribute('title', /threshold/i);
  expect(await outputText(page, FAST)).toContain('quick 6');
  await keepScreenshot(await cell(page, FAST), testInfo, 'badge-skipped');
});

test('a result that cannot be pickled is an error badge naming the variable, and the cell still ran', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'states.ipynb');
  await runCell(page, INPUTS);
  await runCell(page, UNPICKLABLE);
  const b = await expectBadge(page, UNPICKLABLE, 'error');
  await expect(b).toHaveAttribute('title', /\bgen\b/);
  expect(await outputText(page, UNPICKLABLE)).toContain('made a generator');
  await keepScreenshot(await cell(page, UNPICKLABLE), testInfo, 'badge-error');
});

test('%%xetmemo cells get badges: stored, then a hit after a restart', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'states.ipynb');
  await runCell(page, INPUTS);
  await runCell(page, MEMO);
  await expectBadge(page, MEMO, 'stored');
  expect(await outputText(page, MEMO)).toContain('memo computed 500');
  await keepScreenshot(await cell(page, MEMO), testInfo, 'badge-xetmemo-stored');

  await restartAndClear(page);
  await runCell(page, INPUTS);
  await runCell(page, MEMO);
  await expectBadge(page, MEMO, 'hit');
  // The outputs were cleared by the restart: what shows now was replayed from the store.
  expect(await outputText(page, MEMO)).toContain('memo computed 500');
  await runCell(page, MEMO_USE);
  expect(await outputText(page, MEMO_USE)).toContain('memo_out is 500');
  await keepScreenshot(await cell(page, MEMO), testInfo, 'badge-xetmemo-hit');
});

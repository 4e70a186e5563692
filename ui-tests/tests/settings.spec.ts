// Settings reach a running kernel: the extension pushes them (threshold_s, always, cache_dir, max_bytes) when they
// change, without a restart.
// Fixture: notebooks/threshold.ipynb, one 1.2 s cell with caching on (its run is below the default 3 s threshold).
import { expect, test } from './fixtures';
import {
  expectBadge,
  keepScreenshot,
  cell,
  openFixture,
  runCell,
  setSetting,
  xetcacheWarnings
} from './helpers';

const SECOND = 0;

test('lowering the threshold in Settings reaches the running kernel: the same 1.2 s cell is stored, not skipped', async ({
  page,
  tmpPath
}, testInfo) => {
  // Problems pushing settings are reported on the console (a silent request cannot show a traceback).
  const warnings = xetcacheWarnings(page);
  await openFixture(page, tmpPath, 'threshold.ipynb');

  await runCell(page, SECOND);
  const skipped = await expectBadge(page, SECOND, 'skipped');
  await expect(skipped).toHaveAttribute('title', /below the 3 s threshold/);

  // max_bytes too (a budget large enough not to matter): the kernel takes it and refuses nothing.
  await setSetting(page, 'max_bytes', 1_000_000_000);
  await setSetting(page, 'threshold_s', 0.5);

  await runCell(page, SECOND);
  const stored = await expectBadge(page, SECOND, 'stored');
  await expect(stored).toHaveAttribute('title', /Stored: ran 1\.\d s/);
  await keepScreenshot(await cell(page, SECOND), testInfo, 'badge-stored-after-threshold-change');
  expect(warnings).toEqual([]);
});

// Settings reach a running kernel: the extension pushes the part the engine takes (threshold_s, always, cache_dir;
// max_bytes is the browser's trim budget and the engine refuses unknown keys) when they change, without a restart.
// Fixture: notebooks/threshold.ipynb, one 1.2 s cell with caching on (its run is below the default 3 s threshold).
import { expect, test } from './fixtures';
import { expectBadge, keepScreenshot, cell, openFixture, runCell } from './helpers';

const PLUGIN = '@xetcache/labextension:plugin';
const SECOND = 0;

/** Changes one XetCache setting the way the Settings editor does (galata keeps settings per test, in memory). */
async function setSetting(
  page: Parameters<typeof openFixture>[0],
  key: string,
  value: unknown
): Promise<void> {
  const now = await page.evaluate(
    async ({ plugin, key, value }) => {
      const registry = await window.galata.getPlugin('@jupyterlab/apputils-extension:settings');
      if (!registry) {
        throw new Error('no setting registry');
      }
      await registry.set(plugin, key, value as never);
      return (await registry.load(plugin)).composite[key];
    },
    { plugin: PLUGIN, key, value }
  );
  expect(now, `setting ${key}`).toEqual(value);
}

test('lowering the threshold in Settings reaches the running kernel: the same 1.2 s cell is stored, not skipped', async ({
  page,
  tmpPath
}, testInfo) => {
  // Problems pushing settings are reported on the console (a silent request cannot show a traceback).
  const warnings: string[] = [];
  page.on('console', m => {
    if (m.type() === 'warning' && m.text().includes('XetCache')) {
      warnings.push(m.text());
    }
  });
  await openFixture(page, tmpPath, 'threshold.ipynb');

  await runCell(page, SECOND);
  const skipped = await expectBadge(page, SECOND, 'skipped');
  await expect(skipped).toHaveAttribute('title', /below the 3 s threshold/);

  // max_bytes too: it is a setting of the extension only, and must not make the kernel refuse the others.
  await setSetting(page, 'max_bytes', 1_000_000_000);
  await setSetting(page, 'threshold_s', 0.5);

  await runCell(page, SECOND);
  const stored = await expectBadge(page, SECOND, 'stored');
  await expect(stored).toHaveAttribute('title', /Stored: ran 1\.\d s/);
  await keepScreenshot(await cell(page, SECOND), testInfo, 'badge-stored-after-threshold-change');
  expect(warnings).toEqual([]);
});

// Run All over cached and uncached cells: the extension serialises cached cells itself, so this checks that the
// notebook's order still holds (each cell appends to a list) and that Run All still stops at the first error.
// Fixture: notebooks/run_all.ipynb — cells b and d are cached with "always" (stored however fast they are), the
// cell after the raising one is cached too, to show that a cached cell is not run past an error either.
import { expect, test } from './fixtures';
import {
  cell,
  execCommand,
  executionCount,
  expectBadge,
  outputText,
  openFixture,
  restartAndClear,
  waitForKernelIdle
} from './helpers';

const B = 2;
const D = 4;
const REPORT = 5;
const BOOM = 6;
const NEVER = 7;

async function runAllUntilError(page: Parameters<typeof waitForKernelIdle>[0]): Promise<void> {
  await execCommand(page, 'notebook:run-all-cells');
  await expect(
    (await cell(page, BOOM)).locator(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    )
  ).toContainText('stop here', { timeout: 60_000 });
  await waitForKernelIdle(page);
}

test('Run All keeps notebook order across cached and uncached cells and stops at an error', async ({
  page,
  tmpPath
}) => {
  await openFixture(page, tmpPath, 'run_all.ipynb');

  await test.step('first Run All stores the cached cells, in order', async () => {
    await runAllUntilError(page);
    expect(await outputText(page, REPORT)).toContain("order: ['a', 'b', 'c', 'd']");
    await expectBadge(page, B, 'stored');
    await expectBadge(page, D, 'stored');
    expect(await executionCount(page, NEVER)).toBeNull();
    expect(await outputText(page, NEVER)).not.toContain('never ran');
    await expectBadge(page, NEVER, 'armed');
  });

  await test.step('after a restart, Run All restores the cached cells in their place', async () => {
    await restartAndClear(page);
    await runAllUntilError(page);
    expect(await outputText(page, REPORT)).toContain("order: ['a', 'b', 'c', 'd']");
    await expectBadge(page, B, 'hit');
    await expectBadge(page, D, 'hit');
    expect(await executionCount(page, NEVER)).toBeNull();
    expect(await outputText(page, NEVER)).not.toContain('never ran');
    await expectBadge(page, NEVER, 'armed');
  });
});

// The main user story, end to end in one notebook: toggle a slow cell → stored; restart → hit with its outputs and
// variables back; change an input → stored again, naming the input; edit the code → stale.
//
// The slow cell sleeps 3.5 s and the threshold is left at its default (3 s): the test exercises the default
// settings a user has, and depends on no setting names. It costs ~7 s of sleeping (two real runs). Every real run
// adds a line to runs.log (helpers.realRuns), so "it ran" / "it did not run" is read from a file, not from the badge.
import { expect, test } from './fixtures';
import {
  TOGGLE,
  appendToCell,
  cell,
  execCommand,
  expectBadge,
  keepScreenshot,
  openFixture,
  outputText,
  realRuns,
  restartAndClear,
  runCell
} from './helpers';

const INPUTS = 0;
const SLOW = 1;
const AFTER = 2;

test('a slow cached cell is stored, then restored after a restart, and recomputed when its input changes', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'cache_cycle.ipynb');

  await test.step('toggle caching on the slow cell from its toolbar', async () => {
    await page.notebook.selectCells(SLOW);
    const slow = await cell(page, SLOW);
    const toggle = slow.locator(TOGGLE).first();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expectBadge(page, SLOW, 'armed');
  });

  await test.step('first run executes and is stored', async () => {
    await runCell(page, INPUTS);
    await runCell(page, SLOW);
    await expectBadge(page, SLOW, 'stored');
    expect(await realRuns(page, tmpPath)).toBe(1);
    expect(await outputText(page, SLOW)).toContain('total is 45');
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-stored');
  });

  await test.step('after a kernel restart the run is a hit: outputs and variables come back, nothing re-runs', async () => {
    await restartAndClear(page);
    expect(await outputText(page, SLOW)).not.toContain('total is');
    await runCell(page, INPUTS);
    await runCell(page, SLOW);
    const b = await expectBadge(page, SLOW, 'hit');
    await expect(b).toHaveAttribute('title', /\S/);
    expect(await realRuns(page, tmpPath)).toBe(1);
    const slow = await cell(page, SLOW);
    await expect(slow.locator('.jp-OutputArea')).toContainText('total is 45');
    await expect(slow.locator('.jp-OutputArea-output[data-mime-type="text/html"]')).toContainText(
      'HTML total 45'
    );
    await runCell(page, AFTER);
    expect(await outputText(page, AFTER)).toContain('after 90');
    await keepScreenshot(slow, testInfo, 'badge-hit');
  });

  await test.step('changing an input in an earlier cell makes it a miss that names the input', async () => {
    await page.notebook.setCell(INPUTS, 'code', 'n_items = 20');
    await runCell(page, INPUTS);
    await runCell(page, SLOW);
    const b = await expectBadge(page, SLOW, 'stored');
    await expect(b).toHaveAttribute('title', /n_items/);
    expect(await realRuns(page, tmpPath)).toBe(2);
    expect(await outputText(page, SLOW)).toContain('total is 190');
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-stored-input-changed');
  });

  await test.step('editing the cached code marks the cell stale without running it', async () => {
    await appendToCell(page, SLOW, '\n# edited');
    await expectBadge(page, SLOW, 'stale');
    expect(await realRuns(page, tmpPath)).toBe(2);
    await keepScreenshot(await cell(page, SLOW), testInfo, 'badge-stale');
  });

  await test.step('toggling off removes the badge and unpresses the button', async () => {
    await page.notebook.selectCells(SLOW);
    const toggle = (await cell(page, SLOW)).locator(TOGGLE).first();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect((await cell(page, SLOW)).locator('.jp-xetcache-badge')).toHaveCount(0);
    // The command palette entry is the same command, so it must exist under the same id.
    await execCommand(page, 'xetcache:toggle-cell');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  });
});

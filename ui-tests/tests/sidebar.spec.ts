// The cache browser (#xetcache-browser) as a user reads it (issue 12, item 6): each entry says where its cell is
// (position and id) and what it depends on, with "Go to cell"; the chart's labels are whole and its legend has the
// bars' colours; sizes are binary (KiB, MiB) and the budget field says what it accepts; entries sort and filter;
// totals for the notebook and the whole store; rows work from the keyboard; the palette opens it; the toggle has a
// command-mode shortcut. Fixture: notebooks/sidebar.ipynb, two cached cells ("always") of different sizes.
import { expect, test } from './fixtures';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import {
  BROWSER_ID,
  TOGGLE,
  cell,
  expectBadge,
  keepScreenshot,
  openFixture,
  runCell
} from './helpers';

const SMALL = 1;
const BIG = 2;

async function activeCellIndex(page: IJupyterLabPageFixture): Promise<number> {
  return page.evaluate(() => {
    const nb = window.jupyterapp.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    return nb.content.activeCellIndex;
  });
}

async function openWithEntries(page: IJupyterLabPageFixture, tmpPath: string): Promise<Locator> {
  await openFixture(page, tmpPath, 'sidebar.ipynb');
  for (const i of [0, SMALL, BIG]) {
    await runCell(page, i);
  }
  await expectBadge(page, SMALL, 'stored');
  await expectBadge(page, BIG, 'stored');
  const browser = page.locator(`#${BROWSER_ID}`);
  await page.sidebar.openTab(BROWSER_ID);
  await expect(browser.locator('.jp-xetcache-entry')).toHaveCount(2, { timeout: 30_000 });
  return browser;
}

test('entries say where their cell is and what they read; Go to cell; whole chart labels with coloured legend', async ({
  page,
  tmpPath
}, testInfo) => {
  const browser = await openWithEntries(page, tmpPath);
  const small = browser.locator('.jp-xetcache-entry[data-cell-id="small"]');
  await expect(small.locator('.jp-xetcache-entry-title')).toHaveText('cell 2 · id small');
  await expect(small.locator('[data-field="inputs"]')).toHaveText('inputs: base');
  await expect(small.locator('[data-field="restores"]')).toHaveText('restores: small');
  await expect(
    browser.locator('.jp-xetcache-entry[data-cell-id="big"] .jp-xetcache-entry-title')
  ).toHaveText('cell 3 · id big');

  await page.notebook.selectCells(0);
  await small.getByRole('button', { name: 'Go to cell' }).click();
  await expect.poll(() => activeCellIndex(page)).toBe(SMALL);

  const labels = browser.locator('.jp-xetcache-chart-label');
  await expect(labels).toHaveText(['cell 3: # big cell', 'cell 2: # small cell']);
  for (const label of await labels.all()) {
    // Whole, not cut by an ellipsis.
    expect(await label.evaluate(n => n.scrollWidth <= n.clientWidth)).toBe(true);
  }
  for (const series of ['bytes', 'saved']) {
    const swatch = browser.locator(
      `.jp-xetcache-legend-item[data-series="${series}"] .jp-xetcache-swatch`
    );
    const colour = await swatch.evaluate(n => getComputedStyle(n).backgroundColor);
    const bar = await browser
      .locator(`.jp-xetcache-chart-bars .jp-xetcache-bar-${series}`)
      .first()
      .evaluate(n => getComputedStyle(n).backgroundColor);
    expect(colour, `legend colour of ${series}`).not.toMatch(/^rgba\(0, 0, 0, 0\)$|transparent/);
    expect(colour).toBe(bar);
  }
  await keepScreenshot(browser, testInfo, 'sidebar-entries');
});

test('totals in binary units, sort and filter, a budget it cannot read says what it accepts', async ({
  page,
  tmpPath
}, testInfo) => {
  const browser = await openWithEntries(page, tmpPath);
  await expect(browser.locator('[data-totals="notebook"]')).toContainText(
    'This notebook: 2 entries'
  );
  await expect(browser.locator('[data-totals="store"]')).toContainText('Whole store: 2 entries');
  await expect(browser.locator('[data-totals="notebook"]')).toContainText(/KiB/);
  await expect(browser).not.toContainText(/\d (KB|MB|GB)\b/);

  const rows = browser.locator('.jp-xetcache-entry');
  await browser.locator('select[data-role="sort"]').selectOption('size');
  await expect(rows.first()).toHaveAttribute('data-cell-id', 'big');
  await browser.locator('button[data-action="order"]').click();
  await expect(rows.first()).toHaveAttribute('data-cell-id', 'small');
  await browser.locator('input[data-role="filter"]').fill('big cell');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-cell-id', 'big');
  await browser.locator('input[data-role="filter"]').fill('');
  await expect(rows).toHaveCount(2);
  await browser.locator('select[data-role="scope"]').selectOption('store');
  await expect(rows).toHaveCount(2);

  const budget = browser.locator('input[data-role="budget"]');
  await budget.fill('lots');
  const trim = browser.getByRole('button', { name: 'Trim', exact: true });
  await trim.click();
  const problem = browser.locator('.jp-xetcache-budget-error');
  await expect(problem).toContainText('“lots” is not a size');
  await expect(problem).toContainText('500 MiB');
  await expect(budget).toHaveAttribute('aria-invalid', 'true');
  await expect(trim).toBeEnabled();
  await keepScreenshot(browser, testInfo, 'sidebar-budget-not-understood');
  // What it shows, it reads: a binary size opens the confirmation.
  await budget.fill('2 GiB');
  await trim.click();
  await expect(page.locator('.jp-Dialog')).toContainText('2 GiB');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(problem).toBeEmpty();
});

test('keyboard: rows, the palette entry, the toggle shortcut, and badges with an accessible label', async ({
  page,
  tmpPath
}) => {
  const browser = await openWithEntries(page, tmpPath);
  const rows = browser.locator('.jp-xetcache-entry');
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  const id = await rows.nth(1).getAttribute('data-cell-id');
  await page.keyboard.press('Enter');
  await expect.poll(() => activeCellIndex(page)).toBe(id === 'small' ? SMALL : BIG);

  const b = (await cell(page, SMALL)).locator('.jp-xetcache-badge');
  await expect(b).toHaveAttribute('aria-label', /^XetCache: stored\. /);

  await page.sidebar.close('right');
  await page.keyboard.press('Control+Shift+C');
  await page.locator('#command-palette input').fill('XetCache Browser');
  await page.locator('#command-palette .lm-CommandPalette-item').first().click();
  await expect(browser).toBeVisible();

  await page.notebook.selectCells(0);
  await page.locator('.jp-Notebook').press('Escape');
  const toggle = (await cell(page, 0)).locator(TOGGLE).first();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Shift+C');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expectBadge(page, 0, 'armed');
});

// The cell toolbar toggle (`xetcache:toggle-cell`): pressed state, cell metadata, armed badge (clear of the cell
// toolbar, which JupyterLab floats over the input's top right); Shift+Enter right after a click runs the cell (focus
// goes back to the notebook); and every command named by a toolbar button (cell toolbar and notebook toolbar) is
// registered, so no button is dead.
import { expect, test } from './fixtures';
import type { Locator } from '@playwright/test';
import { TOGGLE, cell, expectBadge, keepScreenshot, openFixture } from './helpers';

async function cellMetadata(
  page: Parameters<typeof openFixture>[0],
  index: number
): Promise<unknown> {
  return page.evaluate(i => {
    const nb = window.jupyterapp.shell.currentWidget as unknown as {
      content: { widgets: { model: { getMetadata(k: string): unknown } }[] };
    };
    return nb.content.widgets[i].model.getMetadata('xetcache') ?? null;
  }, index);
}

test('the toolbar toggle turns caching on and off, in aria-pressed, the cell metadata and the badge', async ({
  page,
  tmpPath
}, testInfo) => {
  await openFixture(page, tmpPath, 'toolbar.ipynb');
  await page.notebook.selectCells(0);
  const c = await cell(page, 0);
  const toggle = c.locator(TOGGLE).first();
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(c.locator('.jp-xetcache-badge')).toHaveCount(0);

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expectBadge(page, 0, 'armed');
  expect(await cellMetadata(page, 0)).toMatchObject({ enabled: true });
  // The source is never edited to turn caching on.
  expect(await page.notebook.getCellTextInput(0)).toBe('x = 1');
  await expectBadgeClearOfToolbar(c);
  await keepScreenshot(c, testInfo, 'toolbar-toggle-on');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(c.locator('.jp-xetcache-badge')).toHaveCount(0);
  const after = (await cellMetadata(page, 0)) as { enabled?: boolean } | null;
  expect(after?.enabled ?? false).toBe(false);
});

test('after a click on the toggle, Shift+Enter runs the cell and caching stays on (focus is back on the notebook)', async ({
  page,
  tmpPath
}) => {
  await openFixture(page, tmpPath, 'toolbar.ipynb');
  await page.notebook.selectCells(0);
  const toggle = (await cell(page, 0)).locator(TOGGLE).first();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Shift+Enter');
  // It ran (through the cache: a fast cell is skipped) and the toggle was not pressed a second time.
  await expectBadge(page, 0, 'skipped');
  expect(await cellMetadata(page, 0)).toMatchObject({ enabled: true });
  expect(
    await page.evaluate(() => document.activeElement?.closest('.jp-cell-toolbar') ?? null)
  ).toBe(null);
});

/**
 * The badge and JupyterLab's cell toolbar (shown on the active cell, floating over the top right of the input) must
 * not overlap, even in a one-line cell where the top right is also the bottom right; the badge stays in the cell's
 * input area and its label is not cut.
 */
async function expectBadgeClearOfToolbar(c: Locator): Promise<void> {
  const toolbar = c.locator('.jp-cell-toolbar');
  const b = c.locator('.jp-xetcache-badge');
  await expect(toolbar).toBeVisible();
  await expect(b).toBeVisible();
  const [tb, bb, input] = await Promise.all([
    toolbar.boundingBox(),
    b.boundingBox(),
    c.locator('.jp-InputArea').boundingBox()
  ]);
  expect(tb && bb && input, 'toolbar, badge and input area have boxes').toBeTruthy();
  const overlap =
    bb!.x < tb!.x + tb!.width &&
    tb!.x < bb!.x + bb!.width &&
    bb!.y < tb!.y + tb!.height &&
    tb!.y < bb!.y + bb!.height;
  expect(
    overlap,
    `badge ${JSON.stringify(bb)} overlaps the cell toolbar ${JSON.stringify(tb)}`
  ).toBe(false);
  expect(
    bb!.y >= input!.y && bb!.y + bb!.height <= input!.y + input!.height + 0.5,
    'badge inside the input area'
  ).toBe(true);
  expect(await b.evaluate(e => e.scrollWidth <= e.clientWidth), 'badge label not cut').toBe(true);
}

test('every command a toolbar button names exists', async ({ page, tmpPath }) => {
  await openFixture(page, tmpPath, 'toolbar.ipynb');
  await page.notebook.selectCells(0);
  await expect((await cell(page, 0)).locator(TOGGLE).first()).toBeVisible();
  const ids = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.jp-NotebookPanel [data-command]')).map(
      e => e.getAttribute('data-command') ?? ''
    )
  );
  expect(ids).toContain('xetcache:toggle-cell');
  const missing = await page.evaluate(
    list => list.filter(id => !window.jupyterapp.commands.hasCommand(id)),
    ids
  );
  expect(missing, `toolbar commands with no registration (of ${ids.length})`).toEqual([]);
});

test('every command the extension names in its settings schema (toolbars, menus) exists', async ({
  page
}) => {
  const named = await page.evaluate(async () => {
    const { values } = await window.jupyterapp.serviceManager.settings.list();
    const ours = values.filter(p => p.id.startsWith('@xetcache/'));
    const commands: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.command === 'string') {
          commands.push(o.command);
        }
        Object.values(o).forEach(walk);
      }
    };
    for (const p of ours) {
      const schema = p.schema as Record<string, unknown>;
      walk(schema['jupyter.lab.toolbars']);
      walk(schema['jupyter.lab.menus']);
    }
    return { plugins: ours.map(p => p.id), commands };
  });
  expect(named.plugins.length, 'settings plugins of @xetcache/*').toBeGreaterThan(0);
  expect(named.commands).toContain('xetcache:toggle-cell');
  const missing = await page.evaluate(
    list => list.filter(id => !window.jupyterapp.commands.hasCommand(id)),
    named.commands
  );
  expect(missing).toEqual([]);
});

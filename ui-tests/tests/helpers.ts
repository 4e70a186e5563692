// Shared steps of the XetCache UI tests. Everything here talks to the real JupyterLab, the real kernel and the
// real files of the test's own server folder (galata's `tmpPath`), so a store never leaks between tests.
import * as path from 'path';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

/** The DOM contract of the extension (docs/CONTRACT.md, DESIGN.md "What users see"). */
export const TOGGLE = '[data-command="xetcache:toggle-cell"]';
export const BADGE = '.jp-xetcache-badge';
export const BROWSER_ID = 'xetcache-browser';
export type BadgeState =
  'armed' | 'running' | 'hit' | 'stored' | 'skipped' | 'stale' | 'declined' | 'error';

const NOTEBOOKS = path.resolve(__dirname, '..', 'notebooks');

/** Copies a fixture notebook into the test's own server folder and opens it (its kernel starts with it). */
export async function openFixture(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string
): Promise<void> {
  await page.contents.uploadFile(path.join(NOTEBOOKS, name), `${tmpPath}/${name}`);
  expect(await page.notebook.openByPath(`${tmpPath}/${name}`), `open ${name}`).toBe(true);
  await page.notebook.activate(name);
  await waitForKernelIdle(page);
}

export async function waitForKernelIdle(page: IJupyterLabPageFixture): Promise<void> {
  await expect(page.locator('#jp-main-statusbar').getByText('Idle')).toBeVisible({
    timeout: 60_000
  });
}

/** The cell's element; fails clearly when the index does not exist. */
export async function cell(page: IJupyterLabPageFixture, index: number): Promise<Locator> {
  const loc = await page.notebook.getCellLocator(index);
  expect(loc, `cell ${index} exists`).not.toBeNull();
  return loc as Locator;
}

export async function badge(page: IJupyterLabPageFixture, index: number): Promise<Locator> {
  return (await cell(page, index)).locator(BADGE);
}

/** Waits until the cell's badge shows `state` (events arrive on the comm, a little after the reply). */
export async function expectBadge(
  page: IJupyterLabPageFixture,
  index: number,
  state: BadgeState
): Promise<Locator> {
  const b = await badge(page, index);
  await expect(b, `badge of cell ${index}`).toHaveAttribute('data-xetcache-state', state, {
    timeout: 30_000
  });
  return b;
}

/**
 * Runs one cell in place (Ctrl+Enter: no new cell is added at the end) and waits for its execution to finish.
 * Galata's own wait loops without a time limit; this one fails with a message instead.
 */
export async function runCell(page: IJupyterLabPageFixture, index: number): Promise<void> {
  await page.evaluate(i => window.galata.resetExecutionCount(i), index);
  expect(
    await page.notebook.runCell(index, { inplace: true, wait: false }),
    `run cell ${index}`
  ).toBe(true);
  await expect
    .poll(() => page.evaluate(i => window.galata.haveBeenExecuted(i), index), {
      message: `cell ${index} finished running`,
      timeout: 60_000
    })
    .toBe(true);
  await waitForKernelIdle(page);
}

/** All text the cell's output area shows (stream text, HTML, errors). */
export async function outputText(page: IJupyterLabPageFixture, index: number): Promise<string> {
  return (await cell(page, index)).locator('.jp-OutputArea').innerText();
}

export async function executionCount(
  page: IJupyterLabPageFixture,
  index: number
): Promise<number | null> {
  return page.evaluate(i => {
    const nb = window.jupyterapp.shell.currentWidget as unknown as {
      content: { widgets: { model: { type: string; executionCount?: number | null } }[] };
    };
    const m = nb.content.widgets[i].model;
    return m.type === 'code' ? (m.executionCount ?? null) : null;
  }, index);
}

/** A text file of the test's server folder, read through the Jupyter contents API; null when it is missing. */
export async function readServerFile(
  page: IJupyterLabPageFixture,
  filePath: string
): Promise<string | null> {
  const res = await page.request.get(`/api/contents/${filePath}?type=file&format=text&content=1`);
  if (res.status() === 404) {
    return null;
  }
  expect(res.ok(), `GET contents ${filePath}: ${res.status()}`).toBe(true);
  return ((await res.json()) as { content: string }).content;
}

/**
 * How many times the slow fixture cell really ran: every real run adds a line to runs.log (make_fixtures.py's
 * WITNESS: an audit hook of the plain inputs cell; a hit runs nothing, so it adds none).
 */
export async function realRuns(page: IJupyterLabPageFixture, tmpPath: string): Promise<number> {
  const text = await readServerFile(page, `${tmpPath}/runs.log`);
  return text === null ? 0 : text.split('\n').filter(line => line === 'ran').length;
}

/** Runs a command the way a menu would, and accepts the confirmation dialog it may open (restart asks). */
export async function execCommand(page: IJupyterLabPageFixture, id: string): Promise<void> {
  expect(
    await page.evaluate(c => window.jupyterapp.commands.hasCommand(c), id),
    `command ${id} exists`
  ).toBe(true);
  // Not awaited in the page: commands that open a dialog resolve only once it is closed.
  await page.evaluate(c => {
    void window.jupyterapp.commands.execute(c);
  }, id);
}

/** Restarts the kernel (and clears the outputs, so restored outputs cannot be confused with old ones). */
export async function restartAndClear(page: IJupyterLabPageFixture): Promise<void> {
  await execCommand(page, 'notebook:restart-clear-output');
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  // The status bar passes through "Restarting" before it is idle again.
  await page.waitForTimeout(500);
  await waitForKernelIdle(page);
}

/** Saves a picture of `target` under the test's output folder and attaches it to the report (kept on success). */
export async function keepScreenshot(
  target: Locator,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  // Animations stopped (the running badge pulses): a steady picture, taken without waiting for them.
  await target.screenshot({ path: file, animations: 'disabled' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Types at the end of a cell's source, as a user would (the extension sees ordinary edits). */
export async function appendToCell(
  page: IJupyterLabPageFixture,
  index: number,
  text: string
): Promise<void> {
  await page.notebook.enterCellEditingMode(index);
  const box = (await cell(page, index)).getByRole('textbox');
  await box.press('Control+End');
  await box.pressSequentially(text);
  await page.notebook.leaveCellEditingMode(index);
}

export const SETTINGS_PLUGIN = '@xetcache/labextension:plugin';

/** Changes one XetCache setting the way the Settings editor does (galata keeps settings per test, in memory). */
export async function setSetting(
  page: IJupyterLabPageFixture,
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
    { plugin: SETTINGS_PLUGIN, key, value }
  );
  expect(now, `setting ${key}`).toEqual(value);
}

/** XetCache's console warnings (problems pushing settings are reported there: a silent request shows no traceback). */
export function xetcacheWarnings(page: IJupyterLabPageFixture): string[] {
  const warnings: string[] = [];
  page.on('console', m => {
    if (m.type() === 'warning' && m.text().includes('XetCache')) {
      warnings.push(m.text());
    }
  });
  return warnings;
}

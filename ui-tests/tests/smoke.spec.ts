// Infrastructure check: JupyterLab from ../.venv starts, Debian's chromium drives it, a real kernel runs a cell.
import { expect, test } from '@jupyterlab/galata';

test('a notebook cell runs in a real kernel and shows its output', async ({ page }) => {
  await page.notebook.createNew('smoke.ipynb');
  await page.notebook.setCell(0, 'code', 'print(6 * 7)');
  await page.notebook.runCell(0);
  const output = await page.notebook.getCellTextOutput(0);
  expect(output?.[0]).toContain('42');
});

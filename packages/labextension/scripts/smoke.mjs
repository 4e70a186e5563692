// Manual smoke check against a running JupyterLab (not part of the test suite; Galata owns UI
// tests): loads the page, opens a notebook, toggles caching on the first cell, runs all, and
// prints the badges, console errors, and a screenshot path.
//   node scripts/smoke.mjs [http://localhost:8899] [demo.ipynb] [out.png]
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:8899';
const nb = process.argv[3] ?? 'demo.ipynb';
const shot = process.argv[4] ?? '/tmp/xetcache-smoke.png';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const problems = [];
page.on('console', m => {
  if (m.type() === 'error' || m.type() === 'warning') {
    problems.push(`${m.type()}: ${m.text()}`);
  }
});
page.on('pageerror', e => problems.push(`pageerror: ${e.message}`));
try {
  await page.goto(`${base}/lab/tree/${nb}`);
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 60000 });
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', {
    timeout: 60000
  });
  await page.click('.jp-Notebook .jp-Cell >> nth=0');
  const toggle = page.locator('.jp-cell-toolbar [data-command="xetcache:toggle-cell"]').first();
  await toggle.waitFor({ timeout: 20000 });
  console.log('toggle aria-pressed before:', await toggle.getAttribute('aria-pressed'));
  await toggle.click();
  console.log('toggle aria-pressed after:', await toggle.getAttribute('aria-pressed'));
  await page.waitForSelector('.jp-xetcache-badge', { timeout: 10000 });
  for (const run of [1, 2]) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+c');
    await page.keyboard.type('Run All Cells');
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(4000);
    const badges = await page.$$eval('.jp-xetcache-badge', els =>
      els.map(e => `${e.getAttribute('data-xetcache-state')} | ${e.textContent} | ${e.title}`)
    );
    const outs = await page.$$eval('.jp-Notebook .jp-Cell .jp-OutputArea', els =>
      els.map(e => e.textContent?.trim())
    );
    console.log(`run ${run} badges:`, badges);
    console.log(`run ${run} outputs:`, outs);
  }
  await page.keyboard.press('Control+s');
  await page.waitForTimeout(1000);
  const saved = await (await fetch(`${base}/api/contents/${nb}`)).json();
  const c0 = saved.content.cells[0];
  console.log(
    'saved cell 0 metadata:',
    JSON.stringify(c0.metadata),
    '| source:',
    JSON.stringify(c0.source)
  );
  await page.click('.jp-SideBar [data-id="xetcache-browser"]').catch(() => undefined);
  await page.waitForTimeout(1500);
  console.log('browser text:', (await page.textContent('#xetcache-browser'))?.slice(0, 300));
  await page.screenshot({ path: shot });
  console.log('screenshot:', shot);
} finally {
  console.log('console problems:', problems.length ? problems : 'none');
  await browser.close();
}

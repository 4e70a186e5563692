/**
 * One page (100 rows) of a 100k-entry index sorted by last hit: through StoreIndex.list (which includes the
 * reconcile check), through plain HTTP on loopback, and with a filter and a deep offset. Medians of repeats.
 * Run: npx tsx bench/index-page.ts
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreIndex } from '../server/src/index-db';
import { startServer } from '../server/src/serve';
import { benchStore, fmtMs, median, N, pct } from './index-fixture';

const REPEATS = 200;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn(); // warm the page cache and statement cache
  const xs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return xs;
}

async function main(): Promise<void> {
  const dir = await benchStore('index');
  const index = await StoreIndex.open(dir);
  await index.refresh();
  const rows = [
    [
      'page 1, sort=last_hit desc',
      await time(() => index.list({ sort: 'last_hit', order: 'desc', limit: 100 }))
    ],
    [
      'page 1, sort=created asc',
      await time(() => index.list({ sort: 'created', order: 'asc', limit: 100 }))
    ],
    [
      'page 1, notebook filter, sort=size',
      await time(() => index.list({ notebook: 'notebooks/nb7.ipynb', sort: 'size', limit: 100 }))
    ],
    [
      'offset 50000, sort=last_hit',
      await time(() => index.list({ sort: 'last_hit', limit: 100, offset: 50_000 }))
    ],
    ['q="step(data, 4242"', await time(() => index.list({ q: 'step(data, 4242', limit: 100 }))],
    // one or two characters: no trigram narrows them (short-search.ts); one that matches 0 rows, one that matches
    // most rows of a notebook, as a user typing into the sidebar's filter does
    ['q="zq" (short, no match)', await time(() => index.list({ q: 'zq', limit: 100 }))],
    [
      'q="5" (short), notebook filter',
      await time(() => index.list({ q: '5', notebook: 'notebooks/nb7.ipynb', limit: 100 }))
    ],
    ['stats (all notebooks and cells)', await time(() => index.stats())]
  ] as const;
  await index.close();

  // The same first page over HTTP on loopback, as the browser (via the proxy) asks for it.
  const root = path.dirname(path.dirname(dir));
  const running = await startServer({ root, port: 0 });
  const url = `${running.url}/api/entries?store=${encodeURIComponent(path.relative(root, dir))}&sort=last_hit&limit=100`;
  const http = await time(async () => {
    const r = await fetch(url, { headers: { Authorization: `token ${running.token}` } });
    if (r.status !== 200) throw new Error(await r.text());
    await r.json();
  });
  await running.close();

  console.log(
    `index page queries over ${N} entries (${REPEATS} repeats, ${os.cpus().length} cores)`
  );
  for (const [name, xs] of rows) {
    console.log(
      `  ${name.padEnd(38)} median ${fmtMs(median(xs)).padStart(9)}  p95 ${fmtMs(pct(xs, 0.95)).padStart(9)}   target <= 20 ms  (ratio ${(median(xs) / 20).toFixed(2)})`
    );
  }
  console.log(
    `  ${'HTTP GET page 1, sort=last_hit'.padEnd(38)} median ${fmtMs(median(http)).padStart(9)}  p95 ${fmtMs(pct(http, 0.95)).padStart(9)}   target <= 20 ms  (ratio ${(median(http) / 20).toFixed(2)})`
  );
}

void main();

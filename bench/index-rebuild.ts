/**
 * Rebuilding the index of a 100k-entry store from scratch (index.sqlite deleted), then the cost of the reconcile
 * that runs before every list/stats answer: nothing changed, one manifest added, one removed.
 * Run: npx tsx bench/index-rebuild.ts   (XETCACHE_BENCH_N=10000 for a quick run)
 */
import * as fs from 'node:fs';
import { StoreIndex } from '../server/src/index-db';
import { openStore } from '@xetcache/store';
import { benchStore, dropIndex, fmtMs, median, N } from './index-fixture';

async function main(): Promise<void> {
  const dir = await benchStore('index');
  dropIndex(dir);
  const t0 = performance.now();
  const index = await StoreIndex.open(dir);
  const first = await index.list({ limit: 1 });
  const rebuild = performance.now() - t0;
  const perSec = (first.total / rebuild) * 1000;

  const idle: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await index.refresh();
    idle.push(performance.now() - t);
  }
  // One manifest appears (as from a kernel or git pull) and disappears.
  const store = await openStore(dir);
  const victim = (await index.list({ limit: 1, sort: 'created', order: 'asc' })).entries[0].key;
  const m = await store.readManifest(victim);
  await store.deleteManifest(victim);
  let t = performance.now();
  await index.refresh();
  const removed = performance.now() - t;
  await store.writeManifest(m);
  t = performance.now();
  await index.refresh();
  const added = performance.now() - t;
  await index.close();

  console.log(`index rebuild, ${first.total} manifests (N=${N})`);
  console.log(
    `  full rebuild (open + reconcile + ${N / 2} hits)  ${fmtMs(rebuild).padStart(10)}   target <= 10 s   (${perSec.toFixed(0)} manifests/s, ratio ${(rebuild / 10000).toFixed(2)} of budget)`
  );
  console.log(
    `  reconcile, nothing changed (median of 50)   ${fmtMs(median(idle)).padStart(10)}   (part of every list/stats answer)`
  );
  console.log(`  reconcile after one manifest removed         ${fmtMs(removed).padStart(10)}`);
  console.log(`  reconcile after one manifest added           ${fmtMs(added).padStart(10)}`);
  console.log(
    `  index.sqlite size                            ${(fs.statSync(`${dir}/index.sqlite`).size / 1048576).toFixed(1).padStart(7)} MiB`
  );
}

void main();

/**
 * Trim a 100k-entry store to half its bytes (LRU by hits.jsonl): about half the manifests are deleted. Uses its
 * own freshly generated store, since trimming destroys it. Run: npx tsx bench/index-trim.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreIndex } from '../server/src/index-db';
import { benchStore, fmtMs, N } from './index-fixture';

async function main(): Promise<void> {
  const dir = await benchStore('trim', N, true);
  const index = await StoreIndex.open(dir);
  const before = await index.stats();
  const t0 = performance.now();
  const r = await index.trim(Math.floor(before.bytes / 2));
  const elapsed = performance.now() - t0;
  const after = await index.stats();
  await index.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  console.log(`trim of ${before.entries} entries to half the budget`);
  console.log(
    `  evicted ${r.evicted.length} entries, ${(r.bytes_before / 2 ** 30).toFixed(1)} GiB -> ${(r.bytes_after / 2 ** 30).toFixed(1)} GiB (${after.entries} left)`
  );
  console.log(
    `  time ${fmtMs(elapsed)} (${((r.evicted.length / elapsed) * 1000).toFixed(0)} evictions/s; includes the reconcile check, manifest unlinks, row deletes)   no fixed target; rebuild budget for scale: 10 s`
  );
}

void main();

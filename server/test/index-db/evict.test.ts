import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { isXetCacheError } from '@xetcache/store';
import { StoreIndex } from '../../src/index-db';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

async function setup(t: { after(fn: () => unknown): void }) {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  return { store, index };
}

test('evict one entry deletes its manifest, keeps its objects for gc', async t => {
  const { store, index } = await setup(t);
  const a = await addEntry(store, { bytes: 10 });
  const b = await addEntry(store, { bytes: 20 });
  const r = await index.evict({ key: a.key });
  assert.deepEqual(r, { evicted: [a.key], bytes: 10 });
  assert.ok(!fs.existsSync(store.manifestPath(a.key)));
  assert.equal(await store.objectState(a.variables.x.objects[0]), 'local');
  assert.deepEqual(
    (await index.list({})).entries.map(e => e.key),
    [b.key]
  );
  await assert.rejects(index.evict({ key: a.key }), e => isXetCacheError(e, 'ENOTFOUND'));
});

test('evict a cell and a notebook', async t => {
  const { store, index } = await setup(t);
  const a1 = await addEntry(store, { notebook: 'a.ipynb', cell_id: 'c1', bytes: 1 });
  const a1b = await addEntry(store, { notebook: 'a.ipynb', cell_id: 'c1', bytes: 2 });
  const a2 = await addEntry(store, { notebook: 'a.ipynb', cell_id: 'c2', bytes: 4 });
  const b1 = await addEntry(store, { notebook: 'b.ipynb', cell_id: 'c1', bytes: 8 });
  const cell = await index.evict({ notebook: 'a.ipynb', cell_id: 'c1' });
  assert.deepEqual(new Set(cell.evicted), new Set([a1.key, a1b.key]));
  assert.equal(cell.bytes, 3);
  const nb = await index.evict({ notebook: 'a.ipynb' });
  assert.deepEqual(nb, { evicted: [a2.key], bytes: 4 });
  assert.deepEqual(await index.evict({ notebook: 'nothing.ipynb' }), { evicted: [], bytes: 0 });
  assert.deepEqual(await store.listManifestKeys(), [b1.key]);
});

test('trim evicts least recently hit first, never-hit entries by created, until the budget fits', async t => {
  const { store, index } = await setup(t);
  const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
  const old = await addEntry(store, { bytes: 100, created: day(1) }); // never hit, oldest
  const hitLongAgo = await addEntry(store, { bytes: 100, created: day(2) });
  const newer = await addEntry(store, { bytes: 100, created: day(5) }); // never hit, recent
  const hitRecently = await addEntry(store, { bytes: 100, created: day(3) });
  // Hits are written to the log as the engine would, with their own timestamps.
  await store.appendHit({ key: hitLongAgo.key, at: day(4), saved_s: 1 });
  await store.appendHit({ key: hitRecently.key, at: day(10), saved_s: 1 });
  // Last use: old=1, hitLongAgo=4, newer=5, hitRecently=10.
  const r = await index.trim(250);
  assert.deepEqual(r.evicted, [old.key, hitLongAgo.key]);
  assert.equal(r.bytes_before, 400);
  assert.equal(r.bytes_after, 200);
  assert.deepEqual(new Set(await store.listManifestKeys()), new Set([newer.key, hitRecently.key]));
  const again = await index.trim(1000);
  assert.deepEqual(again, { evicted: [], bytes_before: 200, bytes_after: 200 });
  const all = await index.trim(0);
  assert.deepEqual(all.evicted, [newer.key, hitRecently.key]);
  assert.equal(all.bytes_after, 0);
});

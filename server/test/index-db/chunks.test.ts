/**
 * Entries whose values are stored as chunks (format 2, spec/FORMAT.md "Chunked objects"): the index counts a chunk
 * once however many entries share it (stats, the sidebar's totals, trim), `ls`/`stats` say logical and stored
 * bytes, and verify/gc/status see the chunks through manifestObjectIds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { chunkId, type ChunkPart, type Manifest, type Store } from '@xetcache/store';
import { StoreIndex } from '../../src/index-db';
import { entryObjects } from '../../src/git/object-states';
import { makeStore, manifestFor, sha256, tempDir } from '../support/fixtures';

/** An entry whose one variable is a chunked object made of `chunks` (stored here first). */
async function chunkedEntry(
  store: Store,
  seed: string,
  chunks: Buffer[],
  o: { notebook?: string; cell_id?: string; created?: string } = {}
): Promise<Manifest> {
  const parts: ChunkPart[] = [];
  for (const c of chunks) parts.push([(await store.writeObject(c)).oid, c.length]);
  const id = chunkId(parts);
  const size = chunks.reduce((s, c) => s + c.length, 0);
  const m = manifestFor(sha256(seed), id, size, o);
  m.format = 2;
  m.chunks = { [id]: parts };
  await store.writeManifest(m);
  return m;
}

test('shared chunks count once in stats and trim; logical sizes stay per entry', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const shared = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
  const v1 = await chunkedEntry(store, 'v1', [...shared, randomBytes(100)], {
    notebook: 'a.ipynb',
    cell_id: 'c1',
    created: '2026-01-01T00:00:00.000Z'
  });
  const v2 = await chunkedEntry(store, 'v2', [...shared, randomBytes(200)], {
    notebook: 'a.ipynb',
    cell_id: 'c1',
    created: '2026-01-02T00:00:00.000Z'
  });
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  const s = await index.stats();
  assert.equal(s.logical_bytes, 3100 + 3200);
  assert.equal(s.bytes, 3000 + 100 + 200); // the three shared chunks once
  assert.equal(s.by_notebook[0].bytes, 3300);
  assert.equal(s.by_cell[0].logical_bytes, 6300);
  assert.equal((await index.get(v1.key)).entry.total_bytes, 3100);

  // what the store needs for an entry is its chunks (status/fetch), and verify finds them all
  assert.equal((await entryObjects(store, v1)).objects, 4);
  assert.equal((await store.verify()).ok, true);

  // trim to 3150: evicting v1 (least recent) frees only its own 100-byte chunk: not enough, so both go
  const plan = await index.trim(3150);
  assert.deepEqual(plan.evicted, [v1.key, v2.key]);
  assert.equal(plan.bytes_before, 3300);
  assert.equal(plan.bytes_after, 0);
  assert.equal((await index.stats()).bytes, 0);
});

test('trim stops when evicting the older version frees enough', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const shared = [randomBytes(1000), randomBytes(1000)];
  const v1 = await chunkedEntry(store, 'v1', [...shared, randomBytes(500)], {
    created: '2026-01-01T00:00:00.000Z'
  });
  const v2 = await chunkedEntry(store, 'v2', [...shared, randomBytes(300)], {
    created: '2026-01-02T00:00:00.000Z'
  });
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  const plan = await index.trim(2400);
  assert.deepEqual(plan.evicted, [v1.key]);
  assert.equal(plan.bytes_before, 2800);
  assert.equal(plan.bytes_after, 2300);
  // gc then keeps every chunk v2 still names
  const gc = await store.gc({ graceMs: 0 });
  assert.equal(gc.removed, 1); // v1's own chunk
  assert.equal((await store.verify()).ok, true);
  assert.deepEqual(
    (await index.list({})).entries.map(e => e.key),
    [v2.key]
  );
});

test('re-storing an entry replaces its chunk rows', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await chunkedEntry(store, 'k', [randomBytes(1000), randomBytes(1000)]);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  assert.equal((await index.stats()).bytes, 2000);
  const parts: ChunkPart[] = [[(await store.writeObject(randomBytes(700))).oid, 700]];
  const id = chunkId(parts);
  const again: Manifest = {
    ...m,
    chunks: { [id]: parts },
    variables: { x: { ...m.variables.x, objects: [id], bytes: 700 } },
    total_bytes: 700
  };
  await store.writeManifest(again);
  assert.equal((await index.stats()).bytes, 700);
});

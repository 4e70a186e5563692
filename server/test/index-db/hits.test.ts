import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isXetCacheError } from '@xetcache/store';
import { StoreIndex } from '../../src/index-db';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

test('hits are read incrementally from hits.jsonl, including lines appended by others', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  assert.deepEqual(await index.recordHit(m.key, 2), {
    hits: 1,
    last_hit: (await index.list({})).entries[0].last_hit
  });
  await store.appendHit({ key: m.key, at: '2030-01-01T00:00:00.000Z', saved_s: 3 });
  // A torn last line (an appender mid-write) is left for later, not counted and not skipped.
  fs.appendFileSync(
    path.join(store.dir, 'hits.jsonl'),
    `{"key": "${m.key}", "at": "2030-01-02T00:00:00.000Z",`
  );
  let e = (await index.list({})).entries[0];
  assert.equal(e.hits, 2);
  assert.equal(e.last_hit, '2030-01-01T00:00:00.000Z');
  assert.equal(e.time_saved_s, 5);
  fs.appendFileSync(path.join(store.dir, 'hits.jsonl'), ' "saved_s": 1}\n');
  e = (await index.list({})).entries[0];
  assert.equal(e.hits, 3);
  assert.equal(e.last_hit, '2030-01-02T00:00:00.000Z');
});

test('hits for a key whose manifest arrives later (git pull) are applied when it does', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const first = await addEntry(store);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  await index.list({});
  const later = await addEntry(store, { seed: 'later' });
  await store.deleteManifest(later.key);
  await store.appendHit({ key: later.key, saved_s: 7 });
  assert.equal((await index.list({})).total, 1);
  await store.writeManifest(later);
  const e = (await index.list({})).entries.find(x => x.key === later.key);
  assert.equal(e?.hits, 1);
  assert.equal(e?.time_saved_s, 7);
  await assert.rejects(index.recordHit('f'.repeat(64), 1), err =>
    isXetCacheError(err, 'ENOTFOUND')
  );
  assert.equal((await index.list({})).entries.find(x => x.key === first.key)?.hits, 0);
});

test('a truncated or replaced hits.jsonl resets the counts to what the new log says', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  for (let i = 0; i < 3; i++) await index.recordHit(m.key, 1);
  assert.equal((await index.list({})).entries[0].hits, 3);
  fs.rmSync(path.join(store.dir, 'hits.jsonl'));
  assert.equal((await index.list({})).entries[0].hits, 0);
  await store.appendHit({ key: m.key, saved_s: 1 });
  assert.equal((await index.list({})).entries[0].hits, 1);
});

test('two indexes on one store (server + CLI) never count a line twice', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const a = await StoreIndex.open(store.dir);
  const b = await StoreIndex.open(store.dir);
  t.after(async () => {
    await a.close();
    await b.close();
  });
  await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordHit(m.key, 1)));
  assert.equal((await a.list({})).entries[0].hits, 10);
  assert.equal((await b.list({})).entries[0].hits, 10);
});

test('a re-stored entry (evicted, then stored again with the same key) starts its own hit count', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const old = await addEntry(store, { seed: 'same', created: '2026-01-01T00:00:00.000Z' });
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  await store.appendHit({ key: old.key, at: '2026-01-02T00:00:00.000Z', saved_s: 4 });
  await store.appendHit({ key: old.key, at: '2026-01-03T00:00:00.000Z', saved_s: 4 });
  assert.equal((await index.list({})).entries[0].hits, 2);
  await index.evict({ key: old.key });
  // Stored again with the same key: a new manifest, created after the old entry's hits.
  const again = await addEntry(store, { seed: 'same', created: '2026-02-01T00:00:00.000Z' });
  assert.equal(again.key, old.key);
  let e = (await index.list({})).entries[0];
  assert.equal(e.hits, 0);
  assert.equal(e.last_hit, null);
  assert.equal(e.time_saved_s, 0);
  await store.appendHit({ key: again.key, at: '2026-02-02T00:00:00.000Z', saved_s: 1 });
  e = (await index.list({})).entries[0];
  assert.equal(e.hits, 1);
  assert.equal(e.last_hit, '2026-02-02T00:00:00.000Z');
  assert.equal(e.time_saved_s, 1);
  // The same when the old generation's hits were never seen before the re-store (a fresh index: rebuilt).
  fs.rmSync(path.join(store.dir, 'index.sqlite'));
  const fresh = await StoreIndex.open(store.dir);
  t.after(() => fresh.close());
  e = (await fresh.list({})).entries[0];
  assert.equal(e.hits, 1);
  assert.equal(e.last_hit, '2026-02-02T00:00:00.000Z');
});

test('an index that saw both generations ingest at once (evict and re-store by others) counts only the new one', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  await index.list({});
  const old = await addEntry(store, { seed: 'same', created: '2026-01-01T00:00:00.000Z' });
  await store.appendHit({ key: old.key, at: '2026-01-02T00:00:00.000Z', saved_s: 4 });
  await store.deleteManifest(old.key);
  await addEntry(store, { seed: 'same', created: '2026-02-01T00:00:00.000Z' });
  await store.appendHit({ key: old.key, at: '2026-02-02T00:00:00.000Z', saved_s: 1 });
  const e = (await index.list({})).entries[0];
  assert.equal(e.hits, 1);
  assert.equal(e.last_hit, '2026-02-02T00:00:00.000Z');
});

interface GenerationCase {
  name: string;
  created: string;
  lines: string[];
  expect: { hits: number; last_hit: string | null; time_saved_s: number };
}
const GENERATIONS = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'hit-generations.json'), 'utf8')
) as { cases: GenerationCase[] };

for (const c of GENERATIONS.cases) {
  test(`which hit lines count: ${c.name}`, async t => {
    const root = await tempDir(t);
    const store = await makeStore(root);
    const m = await addEntry(store, { seed: 'generation', created: c.created });
    const key = 'ab'.repeat(32);
    const text = c.lines.map(l => l.replaceAll(key, m.key)).join('\n') + '\n';
    fs.writeFileSync(path.join(store.dir, 'hits.jsonl'), text);
    const index = await StoreIndex.open(store.dir);
    t.after(() => index.close());
    const e = (await index.list({})).entries[0];
    assert.deepEqual(
      { hits: e.hits, last_hit: e.last_hit, time_saved_s: e.time_saved_s },
      c.expect
    );
  });
}

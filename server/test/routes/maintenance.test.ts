import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, get, makeStore, post, q, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi } from '../support/openapi';

const STORE = 'work/.xetcache';

test('evict (key, cell, notebook), trim, gc and verify over HTTP', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const a1 = await addEntry(store, {
    notebook: 'a.ipynb',
    cell_id: 'c1',
    bytes: 100,
    created: '2026-01-01T00:00:00Z'
  });
  const a2 = await addEntry(store, {
    notebook: 'a.ipynb',
    cell_id: 'c2',
    bytes: 100,
    created: '2026-01-02T00:00:00Z'
  });
  const b1 = await addEntry(store, {
    notebook: 'b.ipynb',
    cell_id: 'c1',
    bytes: 100,
    created: '2026-01-03T00:00:00Z'
  });
  const b2 = await addEntry(store, {
    notebook: 'b.ipynb',
    cell_id: 'c2',
    bytes: 100,
    created: '2026-01-04T00:00:00Z'
  });
  const c1 = await addEntry(store, {
    notebook: 'c.ipynb',
    cell_id: 'c1',
    bytes: 100,
    created: '2026-01-05T00:00:00Z'
  });
  const { base } = await serve(t, root);

  const hit = await post(base, '/api/hits', { store: STORE, key: b1.key, saved_s: 3.5 });
  assert.equal(hit.status, 200);
  assertMatchesOpenApi('/api/hits', 'POST', 200, hit.body);
  assert.equal(hit.body.hits, 1);

  const one = await post(base, '/api/evict', { store: STORE, key: a1.key });
  assertMatchesOpenApi('/api/evict', 'POST', 200, one.body);
  assert.deepEqual(one.body, { evicted: [a1.key], bytes: 100 });
  const gone = await post(base, '/api/evict', { store: STORE, key: a1.key });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 'ENOTFOUND');
  assertMatchesOpenApi('/api/evict', 'POST', 404, gone.body);
  assert.deepEqual(
    (await post(base, '/api/evict', { store: STORE, notebook: 'c.ipynb', cell_id: 'c1' })).body
      .evicted,
    [c1.key]
  );
  assert.deepEqual(
    (await post(base, '/api/evict', { store: STORE, notebook: 'a.ipynb' })).body.evicted,
    [a2.key]
  );

  // Left: b1 (hit just now), b2 (never hit, newer). LRU evicts b2 first: its last use (created) is older.
  const trim = await post(base, '/api/trim', { store: STORE, max_bytes: 150 });
  assertMatchesOpenApi('/api/trim', 'POST', 200, trim.body);
  assert.deepEqual(trim.body, { evicted: [b2.key], bytes_before: 200, bytes_after: 100 });

  // Below the safe minimum the objects of an entry being written would go: refused (400), unless forced.
  const refused = await post(base, '/api/gc', { store: STORE, grace_s: 0 });
  assert.equal(refused.status, 400);
  assertMatchesOpenApi('/api/gc', 'POST', 400, refused.body);
  assert.equal(refused.body.code, 'EBADREQUEST');
  const gc = await post(base, '/api/gc', { store: STORE, grace_s: 0, force: true });
  assertMatchesOpenApi('/api/gc', 'POST', 200, gc.body);
  assert.equal(gc.body.removed, 4);
  assert.equal(gc.body.freed_bytes, 400);
  assert.equal(gc.body.grace_s, 0);
  assert.equal(gc.body.grace_kept, 0);
  assert.equal(gc.body.grace_kept_bytes, 0);
  assert.equal(gc.body.grace_all_free, null);
  assert.equal(await store.objectState(b1.variables.x.objects[0]), 'local');

  const ok = await post(base, '/api/verify', { store: STORE });
  assertMatchesOpenApi('/api/verify', 'POST', 200, ok.body);
  assert.deepEqual(ok.body, { ok: true, problems: [] });
  fs.rmSync(store.objectPath(b1.variables.x.objects[0]));
  const broken = await post(base, '/api/verify', { store: STORE });
  assertMatchesOpenApi('/api/verify', 'POST', 200, broken.body);
  assert.equal(broken.body.ok, false);
  assert.equal(broken.body.problems[0].code, 'ENOTFOUND');
});

test('hits recorded through the API survive deleting the index', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store, { runtime_s: 10 });
  const { base } = await serve(t, root);
  await post(base, '/api/hits', { store: STORE, key: m.key, saved_s: 9.5 });
  const second = await post(base, '/api/hits', { store: STORE, key: m.key, saved_s: 9.9 });
  const before = (await get(base, `/api/entries?${q({ store: STORE })}`)).body.entries[0];
  assert.equal(before.hits, 2);
  assert.equal(before.last_hit, second.body.last_hit);
  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
    fs.rmSync(path.join(store.dir, f), { force: true });
  const after = (await get(base, `/api/entries?${q({ store: STORE })}`)).body.entries[0];
  assert.deepEqual(after, before);
  const missing = await post(base, '/api/hits', { store: STORE, key: 'b'.repeat(64), saved_s: 1 });
  assert.equal(missing.body.code, 'ENOTFOUND');
});

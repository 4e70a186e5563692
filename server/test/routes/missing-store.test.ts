import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, get, makeStore, q, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi } from '../support/openapi';

const STORE = 'work/.xetcache';

test('a store that does not exist yet reads as an empty store (200), until a cached run creates it', async t => {
  const root = await tempDir(t);
  fs.mkdirSync(path.join(root, 'work'));
  const { base } = await serve(t, root);

  const list = await get(base, `/api/entries?${q({ store: STORE })}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assertMatchesOpenApi('/api/entries', 'GET', 200, list.body);
  assert.deepEqual(list.body, { total: 0, entries: [] });
  const stats = await get(base, `/api/stats?${q({ store: STORE, notebook: 'a.ipynb' })}`);
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  assertMatchesOpenApi('/api/stats', 'GET', 200, stats.body);
  assert.equal(stats.body.entries, 0);
  assert.equal(stats.body.bytes, 0);
  // Its folder need not exist either (a notebook in a folder of its own).
  const deeper = await get(base, `/api/entries?${q({ store: 'not/yet/there/.xetcache' })}`);
  assert.equal(deeper.status, 200);
  // One entry of a store with none is simply not found.
  const one = await get(base, `/api/entries/${'a'.repeat(64)}?${q({ store: STORE })}`);
  assert.equal(one.status, 404);
  assert.equal(one.body.code, 'ENOTFOUND');

  // The first cached run creates it: the same server now lists it (the empty answer was not kept).
  const store = await makeStore(root);
  const m = await addEntry(store);
  const after = await get(base, `/api/entries?${q({ store: STORE })}`);
  assert.deepEqual(
    after.body.entries.map((e: { key: string }) => e.key),
    [m.key]
  );
});

test('what is there but not a store, or a missing store under a symlink leaving the root, is still refused', async t => {
  const root = await tempDir(t);
  const outside = await tempDir(t);
  fs.mkdirSync(path.join(root, 'folder'));
  fs.symlinkSync(outside, path.join(root, 'out'));
  const { base } = await serve(t, root);
  const notStore = await get(base, `/api/entries?${q({ store: 'folder' })}`);
  assert.equal(notStore.status, 404);
  assert.equal(notStore.body.code, 'ENOTSTORE');
  const escaped = await get(base, `/api/stats?${q({ store: 'out/.xetcache' })}`);
  assert.equal(escaped.status, 403);
  assert.equal(escaped.body.code, 'EOUTSIDEROOT');
});

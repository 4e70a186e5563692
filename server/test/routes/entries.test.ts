import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { addEntry, get, makeStore, q, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi } from '../support/openapi';

const STORE = 'work/.xetcache';

test('GET /api/entries lists, filters, sorts and pages; the responses match openapi.yaml', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const a = await addEntry(store, {
    notebook: 'a.ipynb',
    cell_id: 'c1',
    bytes: 30,
    created: '2026-01-01T00:00:00Z'
  });
  const b = await addEntry(store, {
    notebook: 'b.ipynb',
    cell_id: 'c1',
    bytes: 10,
    created: '2026-01-02T00:00:00.500Z'
  });
  const f = await addEntry(store, {
    kind: 'function',
    notebook: null,
    cell_id: null,
    bytes: 20,
    created: '2026-01-03T00:00:00Z'
  });
  const { base } = await serve(t, root);

  const all = await get(base, `/api/entries?${q({ store: STORE })}`);
  assert.equal(all.status, 200);
  assertMatchesOpenApi('/api/entries', 'GET', 200, all.body);
  assert.equal(all.body.total, 3);
  assert.deepEqual(
    all.body.entries.map((e: { key: string }) => e.key),
    [f.key, b.key, a.key]
  );
  assert.deepEqual(all.body.entries[2].variables, ['x']);

  const bySize = await get(
    base,
    `/api/entries?${q({ store: STORE, sort: 'size', order: 'asc', limit: 2, offset: 1 })}`
  );
  assert.equal(bySize.body.total, 3);
  assert.deepEqual(
    bySize.body.entries.map((e: { key: string }) => e.key),
    [f.key, a.key]
  );
  const nb = await get(
    base,
    `/api/entries?${q({ store: STORE, notebook: 'b.ipynb', cell: 'c1', kind: 'cell' })}`
  );
  assert.deepEqual(
    nb.body.entries.map((e: { key: string }) => e.key),
    [b.key]
  );

  const one = await get(base, `/api/entries/${a.key}?${q({ store: STORE })}`);
  assert.equal(one.status, 200);
  assertMatchesOpenApi('/api/entries/{key}', 'GET', 200, one.body);
  assert.deepEqual(one.body.manifest, a);
  assert.equal(one.body.entry.total_bytes, 30);

  const missing = await get(base, `/api/entries/${'0'.repeat(64)}?${q({ store: STORE })}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'ENOTFOUND');
  assertMatchesOpenApi('/api/entries/{key}', 'GET', 404, missing.body);

  const stats = await get(base, `/api/stats?${q({ store: STORE })}`);
  assertMatchesOpenApi('/api/stats', 'GET', 200, stats.body);
  assert.equal(stats.body.bytes, 60);
  assert.equal(stats.body.by_notebook.length, 3);
});

test('a manifest written by another process appears without a restart; one removed disappears', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const a = await addEntry(store);
  const { base } = await serve(t, root);
  const keys = async () =>
    (await get(base, `/api/entries?${q({ store: STORE })}`)).body.entries
      .map((e: { key: string }) => e.key)
      .sort();
  assert.deepEqual(await keys(), [a.key]);

  // Another process (like a kernel) stores an entry with the store library.
  const script = `
    const { openStore } = require('@xetcache/store');
    const { addEntry } = require(${JSON.stringify(path.join(__dirname, '..', 'support', 'fixtures.ts'))});
    (async () => { const s = await openStore(process.argv[1]); const m = await addEntry(s, { seed: 'other' }); process.stdout.write(m.key); })();`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, store.dir], {
    encoding: 'utf8',
    cwd: path.join(__dirname, '..', '..')
  });
  assert.equal(child.status, 0, child.stderr);
  const otherKey = child.stdout.trim();
  assert.deepEqual(await keys(), [a.key, otherKey].sort());

  fs.rmSync(store.manifestPath(a.key)); // `git pull` deleting an entry looks like this
  assert.deepEqual(await keys(), [otherKey]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addEntry, get, makeStore, post, q, serve, tempDir } from '../support/fixtures';

test('malformed JSON, wrong types and unknown fields are refused with EBADREQUEST', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const { base } = await serve(t, root);
  const s = 'work/.xetcache';
  const bad: [string, unknown][] = [
    ['/api/evict', '{"store": "work/.xetcache", "key": '],
    ['/api/evict', '[1, 2]'],
    ['/api/evict', { store: s }],
    ['/api/evict', { store: s, key: m.key, notebook: 'a.ipynb' }],
    ['/api/evict', { store: s, key: m.key.toUpperCase() }],
    ['/api/evict', { store: s, key: m.key, force: true }],
    ['/api/evict', { store: 1, key: m.key }],
    ['/api/trim', { store: s, max_bytes: '100' }],
    ['/api/trim', { store: s, max_bytes: -1 }],
    ['/api/trim', { store: s, max_bytes: 1.5 }],
    ['/api/trim', { store: s }],
    ['/api/gc', { store: s, grace_s: 'soon' }],
    ['/api/verify', { store: s, deep: true }],
    ['/api/hits', { store: s, key: m.key, saved_s: -2 }],
    ['/api/hits', { store: s, key: m.key, saved_s: 1e300 }],
    ['/api/hits', { store: s, key: m.key }],
    ['/api/verify', {}]
  ];
  for (const [route, body] of bad) {
    const r = await post(base, route, body);
    assert.equal(r.status, 400, `${route} ${JSON.stringify(body)}`);
    assert.equal(r.body.code, 'EBADREQUEST', `${route} ${JSON.stringify(body)}`);
    assert.ok(r.body.message.length > 10);
  }
  const badQueries = [
    `/api/entries?${q({ store: s, limit: 'ten' })}`,
    `/api/entries?${q({ store: s, limit: 0 })}`,
    `/api/entries?${q({ store: s, limit: 5000 })}`,
    `/api/entries?${q({ store: s, offset: -1 })}`,
    `/api/entries?${q({ store: s, sort: 'name' })}`,
    `/api/entries?${q({ store: s, order: 'up' })}`,
    `/api/entries?${q({ store: s, colour: 'red' })}`,
    `/api/entries?store=${s}&store=${s}`,
    `/api/entries`,
    `/api/entries/xyz?${q({ store: s })}`,
    `/api/objects/abc?${q({ store: s })}`,
    `/api/stats?${q({ store: s, cell: 'c1' })}`,
    `/api/status?verbose=1`
  ];
  for (const p of badQueries) {
    const r = await get(base, p);
    assert.equal(r.status, 400, p);
    assert.equal(r.body.code, 'EBADREQUEST', p);
  }
  // Nothing was evicted by any of it.
  assert.deepEqual(await store.listManifestKeys(), [m.key]);
});

test('unknown routes answer JSON ENOTFOUND', async t => {
  const root = await tempDir(t);
  const { base } = await serve(t, root);
  const r = await get(base, '/api/nope');
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'ENOTFOUND');
});

test("JupyterLab's cache-busting timestamp query is ignored, other bare keys are not", async t => {
  const root = await tempDir(t);
  const { base } = await serve(t, root);
  const ok = await get(base, '/api/status?1795572410446');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.api, 1);
  const notABuster = await get(base, '/api/status?1795572410446=1');
  assert.equal(notABuster.status, 400);
  assert.equal(notABuster.body.code, 'EBADREQUEST');
});

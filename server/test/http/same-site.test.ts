import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addEntry, authFetch, makeStore, post, serve, tempDir } from '../support/fixtures';

test('cross-site POSTs are refused and change nothing', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const { base } = await serve(t, root);
  const body = { store: 'work/.xetcache', key: m.key };
  const host = new URL(base).host;

  // The classic CSRF: an HTML form from another site (no custom header, form content type).
  const form = await authFetch(`${base}/api/evict`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'https://evil.example',
      'Sec-Fetch-Site': 'cross-site'
    },
    body: `store=work/.xetcache&key=${m.key}`
  });
  assert.equal(form.status, 403);
  assert.equal(((await form.json()) as { code: string }).code, 'ECROSSSITE');

  const cases: [Record<string, string>, number, string][] = [
    [{ 'Sec-Fetch-Site': 'cross-site' }, 403, 'ECROSSSITE'],
    [{ Origin: 'https://evil.example' }, 403, 'ECROSSSITE'],
    [{ Origin: 'null' }, 403, 'ECROSSSITE'],
    [{ 'X-XetCache': '' }, 403, 'ECROSSSITE'],
    [{ 'Content-Type': 'text/plain' }, 400, 'EBADREQUEST']
  ];
  for (const [headers, status, code] of cases) {
    const r = await post(base, '/api/evict', body, headers);
    assert.equal(r.status, status, JSON.stringify(headers));
    assert.equal(r.body.code, code, JSON.stringify(headers));
  }
  assert.deepEqual(await store.listManifestKeys(), [m.key]);

  // Same origin (as the lab extension behind the proxy sends it) works.
  const ok = await post(base, '/api/evict', body, {
    Origin: `http://${host}`,
    'Sec-Fetch-Site': 'same-origin'
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.evicted, [m.key]);
});

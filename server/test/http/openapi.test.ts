/**
 * The server takes what it accepts from openapi.yaml: the derived specs match the document, documented paths asked
 * with other methods answer 405 with Allow, and the document's bounds (2^53-1, lengths, non-empty store) hold.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import { bodySpec, documentedRoutes, querySpec } from '../../src/http/openapi';
import { addEntry, get, makeStore, post, q, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi, openapi } from '../support/openapi';

const S = 'work/.xetcache';

function raw(
  base: string,
  token: string | null,
  method: string,
  p: string
): Promise<http.IncomingMessage & { text: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: p,
        method,
        headers: token ? { Authorization: `token ${token}` } : {}
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve(Object.assign(res, { text })));
      }
    );
    req.on('error', reject);
    req.end();
  });
}

test('each route validates exactly the fields openapi.yaml gives it', () => {
  const list = querySpec('GET', '/api/entries');
  assert.deepEqual(Object.keys(list).sort(), [
    'cell',
    'kind',
    'limit',
    'notebook',
    'offset',
    'order',
    'q',
    'sort',
    'store'
  ]);
  assert.deepEqual(list.limit, { type: 'integer', required: false, min: 1, max: 1000 });
  assert.equal(list.store.required, true);
  assert.deepEqual(Object.keys(bodySpec('POST', '/api/evict')).sort(), [
    'cell_id',
    'key',
    'notebook',
    'store'
  ]);
  assert.equal(bodySpec('POST', '/api/evict').key.required, false); // one of the two shapes only
  assert.equal(bodySpec('POST', '/api/hits').key.required, true);
  assert.deepEqual(bodySpec('POST', '/api/trim').max_bytes, {
    type: 'integer',
    required: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER
  });
  const routes = documentedRoutes();
  const methods = (p: string) => routes.find(r => r.pattern.test(p))?.methods;
  assert.deepEqual(methods('/api/entries/abc'), ['GET']);
  assert.deepEqual(methods('/api/evict'), ['POST']);
  assert.equal(methods('/api/nope'), undefined);
  assert.equal(routes.length, Object.keys(openapi.paths).length);
});

test('a documented path asked with another method is 405 with Allow, not 404', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const { base, token } = await serve(t, root);
  const cases: [string, string, string][] = [
    ['TRACE', `/api/entries?${q({ store: S })}`, 'GET, HEAD'],
    ['PUT', `/api/entries/${m.key}?${q({ store: S })}`, 'GET, HEAD'],
    ['DELETE', '/api/evict', 'POST'],
    ['GET', `/api/evict?${q({ store: S, key: m.key })}`, 'POST'],
    ['PATCH', '/', 'GET, HEAD'],
    ['TRACE', '/api/status', 'GET, HEAD']
  ];
  for (const [method, p, allow] of cases) {
    const r = await raw(base, token, method, p);
    assert.equal(r.statusCode, 405, `${method} ${p}`);
    assert.equal(r.headers.allow, allow, `${method} ${p}`);
    const body = JSON.parse(r.text);
    assert.equal(body.code, 'EMETHOD');
    assertMatchesOpenApi('/api/status', 'GET', 400, body); // the Error schema knows the code
  }
  const head = await raw(base, token, 'HEAD', '/api/status');
  assert.equal(head.statusCode, 200);
  const options = await raw(base, token, 'OPTIONS', '/api/evict');
  assert.equal(options.statusCode, 204);
  assert.equal(options.headers.allow, 'POST');
  assert.equal(options.headers['access-control-allow-origin'], undefined);
  // Without the token the method is not even looked at; nothing was evicted by any of it.
  assert.equal((await raw(base, null, 'TRACE', '/api/status')).statusCode, 401);
  assert.deepEqual(await store.listManifestKeys(), [m.key]);
  // Unknown paths stay 404.
  assert.equal((await raw(base, token, 'GET', '/api/nope')).statusCode, 404);
});

test('the documented bounds hold: integers up to 2^53-1, a non-empty store, lengths', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const { base } = await serve(t, root);
  const bodies: [string, string, RegExp][] = [
    [
      '/api/trim',
      `{"store":"${S}","max_bytes":9007199254740993}`,
      /max_bytes must be <= 9007199254740991/
    ],
    ['/api/trim', `{"store":"${S}","max_bytes":1e40}`, /max_bytes must be <= 9007199254740991/],
    ['/api/gc', `{"store":"${S}","grace_s":1e400}`, /grace_s must be a finite number/],
    ['/api/evict', `{"store":"","key":"${m.key}"}`, /store must not be empty/],
    ['/api/verify', `{"store":"${'a'.repeat(4097)}"}`, /store is longer than 4096/],
    [
      '/api/evict',
      `{"store":"${S}","notebook":"a","cell_id":"${'c'.repeat(257)}"}`,
      /cell_id is longer/
    ],
    ['/api/hits', `{"store":"${S}","key":"${'A'.repeat(64)}","saved_s":1}`, /64 lowercase hex/]
  ];
  for (const [route, body, message] of bodies) {
    const r = await post(base, route, body);
    assert.equal(r.status, 400, `${route} ${body}`);
    assert.equal(r.body.code, 'EBADREQUEST');
    assert.match(r.body.message, message);
  }
  const queries = [
    `/api/entries?${q({ store: S, offset: '9007199254740993' })}`,
    `/api/entries?${q({ store: '' })}`,
    `/api/stats?${q({ store: S, notebook: 'n'.repeat(4097) })}`,
    `/api/git?${q({ store: 'a\u0000b' })}`
  ];
  for (const p of queries) {
    const r = await get(base, p);
    assert.equal(r.status, 400, p);
    assert.equal(r.body.code, 'EBADREQUEST', p);
  }
  // A manifest with total_bytes 1e40 (past the manifest schema's 2^53-1) is not an entry: the listing stays valid.
  const key = 'e'.repeat(64);
  const huge = JSON.stringify({ ...m, key }).replace(/"total_bytes":\d+/, '"total_bytes":1e40');
  fs.mkdirSync(path.dirname(store.manifestPath(key)), { recursive: true });
  fs.writeFileSync(store.manifestPath(key), huge);
  const list = await get(base, `/api/entries?${q({ store: S })}`);
  assert.equal(list.status, 200);
  assertMatchesOpenApi('/api/entries', 'GET', 200, list.body);
  assert.deepEqual(
    list.body.entries.map((e: { key: string }) => e.key),
    [m.key]
  );
  const verify = await post(base, '/api/verify', { store: S });
  assert.deepEqual(
    verify.body.problems.map((p: { code: string }) => p.code),
    ['EBADMANIFEST']
  );
  fs.rmSync(store.manifestPath(key));
  // At the bound itself it works.
  const max = await post(base, '/api/trim', `{"store":"${S}","max_bytes":9007199254740991}`);
  assert.equal(max.status, 200);
  assert.deepEqual(await store.listManifestKeys(), [m.key]);
});

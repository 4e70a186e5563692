import assert from 'node:assert/strict';
import { test } from 'node:test';
import { get, PROJECT_VERSION, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi, openapi } from '../support/openapi';

test('GET / answers 200 for readiness polls, GET /api/status identifies the server', async t => {
  const root = await tempDir(t);
  const { base } = await serve(t, root);
  const ready = await get(base, '/');
  assert.equal(ready.status, 200);
  assertMatchesOpenApi('/', 'GET', 200, ready.body);
  const status = await get(base, '/api/status');
  assertMatchesOpenApi('/api/status', 'GET', 200, status.body);
  assert.deepEqual(status.body, { name: 'xetcache-server', version: PROJECT_VERSION, api: 1 });
  // The check itself can fail: a drifted body is caught.
  assert.throws(() =>
    assertMatchesOpenApi('/api/status', 'GET', 200, { ...status.body, extra: 1 })
  );
});

test('openapi.yaml documents exactly the routes of CONTRACT.md section 4', () => {
  const routes = Object.entries(openapi.paths).flatMap(([p, ops]) =>
    Object.keys(ops).map(m => `${m.toUpperCase()} ${p}`)
  );
  assert.deepEqual(routes.sort(), [
    'GET /',
    'GET /api/entries',
    'GET /api/entries/{key}',
    'GET /api/git',
    'GET /api/objects/{oid}',
    'GET /api/stats',
    'GET /api/status',
    'POST /api/evict',
    'POST /api/gc',
    'POST /api/hits',
    'POST /api/trim',
    'POST /api/verify'
  ]);
});

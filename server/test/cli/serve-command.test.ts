/**
 * `xetcache serve --port` as a user runs it (the built bin, a real TCP port): the DNS rebinding request of issue 10
 * is refused and evicts nothing, every route needs the printed token, loopback names and --allow-host names pass.
 * The Unix socket (jupyter-server-proxy's way in) needs neither token nor a loopback Host.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

const BIN = path.join(__dirname, '..', '..', 'bin', 'xetcache.js');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { code?: string; [k: string]: unknown };
}

/** A raw request: fetch() will not send another Host than the URL's. */
function request(
  target: { port: number } | { socketPath: string },
  method: string,
  p: string,
  headers: Record<string, string> = {},
  body?: string
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, host: '127.0.0.1', method, path: p, headers }, res => {
      let text = '';
      res.on('data', c => (text += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : {}
        })
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startCli(
  t: { after(fn: () => unknown): void },
  args: string[],
  env: Record<string, string> = {}
): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XETCACHE_TOKEN: '', ...env }
  });
  t.after(() => child.kill());
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed only: ${stdout}`)), 20_000);
    child.on('exit', () => clearTimeout(timer));
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      // The token line follows the "listening" line on TCP.
      if (
        stdout.includes('listening') &&
        (args.includes('--socket') || stdout.includes('token='))
      ) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', code => reject(new Error(`serve exited ${code}`)));
  });
  return { child, stdout };
}

test('on TCP: a rebinding Host is refused (nothing evicted), every route needs the printed token', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root, 'work/.xetcache');
  const m = await addEntry(store);
  const { stdout } = await startCli(t, ['--root', root, '--port', '0']);
  const url = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout)!;
  const port = Number(url[2]);
  const token = /\?token=([0-9a-f]{48})\b/.exec(stdout)![1];
  assert.ok(stdout.includes(`${url[1]}/api/status?token=${token}`), stdout);
  const evict = JSON.stringify({ store: 'work/.xetcache', key: m.key });
  const json = { 'X-XetCache': '1', 'Content-Type': 'application/json' };

  // The curl, with and without the token: the Host is not ours, so nothing happens either way.
  for (const auth of [{}, { Authorization: `token ${token}` }]) {
    const r = await request(
      { port },
      'POST',
      '/api/evict',
      { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, ...json, ...auth },
      evict
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'EBADHOST');
  }
  const entries = `/api/entries?store=work/.xetcache`;
  const list = await request({ port }, 'GET', entries, { Authorization: `token ${token}` });
  assert.equal(list.status, 200);
  assert.deepEqual(
    (list.body.entries as { key: string }[]).map(e => e.key),
    [m.key]
  );

  // No token, a wrong one: 401 on every route, the readiness probe included.
  for (const p of ['/', '/api/status', entries, `/api/objects/${m.key}?store=work/.xetcache`]) {
    const none = await request({ port }, 'GET', p);
    assert.equal(none.status, 401, p);
    assert.equal(none.body.code, 'ETOKEN');
    assert.equal(none.headers['www-authenticate'], 'token');
    const wrong = await request({ port }, 'GET', p, { Authorization: `token ${'0'.repeat(48)}` });
    assert.equal(wrong.status, 401, p);
  }
  const noToken = await request({ port }, 'POST', '/api/evict', json, evict);
  assert.equal(noToken.status, 401);

  // With the token, from loopback names, as header or query: it works, and the query token is not a field.
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
    const r = await request({ port }, 'GET', `/api/status?token=${token}`, { Host: host });
    assert.equal(r.status, 200, host);
  }
  const q = await request({ port }, 'GET', `${entries}&token=${token}&limit=5`);
  assert.equal(q.status, 200, JSON.stringify(q.body));
  const done = await request(
    { port },
    'POST',
    '/api/evict',
    { ...json, Authorization: `Bearer ${token}` },
    evict
  );
  assert.equal(done.status, 200);
  assert.deepEqual(done.body.evicted, [m.key]);
});

test('on TCP: --allow-host adds a name (any port), XETCACHE_TOKEN sets the token and is not printed', async t => {
  const root = await tempDir(t);
  await makeStore(root, 'work/.xetcache');
  const token = 'a-token-chosen-by-the-user-1234';
  const { stdout } = await startCli(t, ['--root', root, '--port', '0', '--allow-host', 'Box.Lan'], {
    XETCACHE_TOKEN: token
  });
  assert.ok(!stdout.includes(token), stdout);
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
  const auth = { Authorization: `token ${token}` };
  assert.equal(
    (await request({ port }, 'GET', '/api/status', { ...auth, Host: 'box.lan:9' })).status,
    200
  );
  assert.equal(
    (await request({ port }, 'GET', '/api/status', { ...auth, Host: 'box.lan.' })).status,
    200
  );
  const other = await request({ port }, 'GET', '/api/status', { ...auth, Host: 'other.lan' });
  assert.equal(other.status, 403);
  assert.equal(other.body.code, 'EBADHOST');
});

test("on a Unix socket (jupyter-server-proxy) no token is needed and Host is JupyterLab's public name", async t => {
  const root = await tempDir(t);
  const store = await makeStore(root, 'work/.xetcache');
  await addEntry(store);
  const socketPath = path.join(root, 'xc.sock');
  const { stdout } = await startCli(t, ['--root', root, '--socket', socketPath]);
  assert.ok(!stdout.includes('token'), stdout);
  const r = await request({ socketPath }, 'GET', '/api/entries?store=work/.xetcache', {
    Host: 'hub.example.org'
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  // jupyter-server-proxy forwards the query as the browser sent it: Jupyter's own ?token= (already checked by
  // Jupyter) is not a field of ours and must not turn the request into a 400
  const withJupyterToken = await request(
    { socketPath },
    'GET',
    '/api/entries?store=work/.xetcache&token=jupyters-own-token-0123456789',
    { Host: 'hub.example.org' }
  );
  assert.equal(withJupyterToken.status, 200, JSON.stringify(withJupyterToken.body));
  assert.equal(withJupyterToken.body.total, 1);
});

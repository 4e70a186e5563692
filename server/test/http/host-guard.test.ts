import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostName, isLoopbackName, normaliseAllowedHosts } from '../../src/http/host-guard';
import { authFetch, get, serve, tempDir } from '../support/fixtures';
import * as http from 'node:http';

test('Host headers are read as a browser sends them; only loopback names count as loopback', () => {
  const names: [string, string | null][] = [
    ['localhost:8881', 'localhost'],
    ['LocalHost.', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]:8881', '::1'],
    ['evil.example:8881', 'evil.example'],
    ['::1', null], // an IPv6 address must be bracketed
    ['[::1', null],
    ['[evil.example]:80', null],
    ['localhost:88a', null],
    ['', null]
  ];
  for (const [header, name] of names) assert.equal(hostName(header), name, header);
  for (const n of [
    'localhost',
    'app.localhost',
    '127.0.0.1',
    '127.9.8.7',
    '::1',
    '::ffff:127.0.0.1'
  ])
    assert.ok(isLoopbackName(n), n);
  for (const n of [
    'localhost.evil.example',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::ffff:10.0.0.1',
    '10.0.0.1'
  ])
    assert.ok(!isLoopbackName(n), n);
  assert.deepEqual([...normaliseAllowedHosts(['Box.Lan.', 'box.lan:8888'])], ['box.lan']);
  assert.throws(() => normaliseAllowedHosts(['a b:c:d']), /--allow-host/);
});

test('a test server (TCP) refuses a foreign Host on every route, before anything else', async t => {
  const root = await tempDir(t);
  const { base, token } = await serve(t, root);
  assert.equal((await get(base, '/api/status')).status, 200);
  const port = Number(new URL(base).port);
  for (const p of ['/', '/api/status', '/api/nope', '/api/evict']) {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: p,
          method: 'TRACE',
          headers: { Host: 'rebind.example', Authorization: `token ${token}` }
        },
        res => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403, p);
  }
  assert.equal((await authFetch(`${base}/api/status`)).status, 200);
});

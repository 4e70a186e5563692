import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import { describeLoadFailure } from '../../src/index-db/native-binding';
import { get, makeStore, serve, tempDir } from '../support/fixtures';

const BIN = path.join(__dirname, '..', '..', 'bin', 'xetcache.js');

/** An addon that cannot load (not a shared object), with the build info the Python package ships beside it. */
function brokenAddon(dir: string): string {
  const file = path.join(dir, 'better_sqlite3.node');
  fs.writeFileSync(file, 'not a shared object\n');
  fs.writeFileSync(
    path.join(dir, 'better_sqlite3.json'),
    JSON.stringify({ node: '99.0.0', modules: '999', platform: 'linux', arch: 'x64' })
  );
  return file;
}

test('the load failure is one line: what the addon was built for, what runs it, why, the fix', () => {
  const loader =
    "The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\n" +
    'NODE_MODULE_VERSION 137. This version of Node.js requires\nNODE_MODULE_VERSION 115.';
  const line = describeLoadFailure(
    loader,
    { node: '24.19.0', modules: '137', platform: 'linux', arch: 'x64' },
    { node: '20.20.2', modules: '115', platform: 'linux', arch: 'x64' }
  );
  assert.ok(!line.includes('\n'), line);
  assert.match(line, /built for Node 24\.19\.0, ABI 137, linux-x64/);
  assert.match(line, /cannot be loaded by Node 20\.20\.2 \(ABI 115, linux-x64\)/);
  assert.match(line, /\): compiled for Node ABI 137, not 115\. Fix: /);
  assert.ok(!line.includes('/x/better_sqlite3.node'), line); // the loader's path and wording are dropped
  assert.match(line, /Fix: run the server on the Node\.js that the xetcache package installs/);
});

test('an API whose addon cannot load answers every request with that reason; GET / stays up', async t => {
  const root = await tempDir(t);
  const { base } = await serve(t, root, { addonProblem: 'the addon cannot load: because' });
  assert.equal((await get(base, '/')).status, 200);
  for (const p of ['/api/status', '/api/entries?store=x/.xetcache']) {
    const r = await get(base, p);
    assert.equal(r.status, 500, p);
    assert.deepEqual(r.body, { code: 'EINTERNAL', message: 'the addon cannot load: because' });
  }
});

test('with a broken addon the CLI fails in one line, and serve logs it once and serves it', async t => {
  const root = await tempDir(t);
  await makeStore(root, '.xetcache');
  const env = { ...process.env, XETCACHE_SQLITE_BINDING: brokenAddon(root) };
  const ls = spawnSync(process.execPath, [BIN, 'ls'], { cwd: root, env, encoding: 'utf8' });
  assert.equal(ls.status, 1);
  const lines = ls.stderr.trim().split('\n');
  assert.equal(lines.length, 1, ls.stderr);
  assert.match(
    lines[0],
    /^xetcache: EINTERNAL: the index's SQLite addon better_sqlite3\.node \(built for Node 99\.0\.0, ABI 999, linux-x64\) cannot be loaded by Node /
  );

  const socket = path.join(root, 's.sock');
  const child = spawn(process.execPath, [BIN, 'serve', '--root', root, '--socket', socket], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  t.after(() => child.kill());
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.on('exit', code => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get({ socketPath: socket, path: '/api/status' }, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
  assert.equal(status.status, 500);
  const body = JSON.parse(status.body) as { code: string; message: string };
  assert.equal(body.code, 'EINTERNAL');
  assert.match(body.message, /SQLite addon .* cannot be loaded by Node .*Fix: /);
  const logged = stderr.trim().split('\n');
  assert.equal(logged.length, 1, stderr);
  // The same line (the API shows paths relative to the root).
  assert.equal(
    logged[0].split(`${fs.realpathSync(root)}/`).join(''),
    `xetcache-server: ${body.message}`
  );
});

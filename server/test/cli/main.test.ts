import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, makeStore, PROJECT_VERSION, tempDir } from '../support/fixtures';

// The real entry point (built lib/): `npm test` runs `tsc -b` first.
const BIN = path.join(__dirname, '..', '..', 'bin', 'xetcache.js');

function xetcache(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

test('ls, show, stats, evict, trim, gc, verify with --json and exit codes (store defaults to ./.xetcache)', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root, '.xetcache');
  const a = await addEntry(store, {
    notebook: 'a.ipynb',
    cell_id: 'c1',
    bytes: 100,
    created: '2026-01-01T00:00:00Z',
    preview: 'slow_a()'
  });
  const b = await addEntry(store, {
    notebook: 'b.ipynb',
    cell_id: 'c1',
    bytes: 100,
    created: '2026-01-02T00:00:00Z'
  });
  const c = await addEntry(store, {
    notebook: 'b.ipynb',
    cell_id: 'c2',
    bytes: 100,
    created: '2026-01-03T00:00:00Z'
  });

  const ls = xetcache(root, 'ls', '--json', '--sort', 'created', '--order', 'asc');
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(
    ls.json().entries.map((e: { key: string }) => e.key),
    [a.key, b.key, c.key]
  );
  const table = xetcache(root, 'ls');
  assert.equal(table.code, 0);
  assert.match(table.stdout, /KEY\s+NOTEBOOK/);
  assert.ok(table.stdout.includes(a.key.slice(0, 12)));

  const show = xetcache(root, 'show', a.key.slice(0, 12), '--json');
  assert.equal(show.code, 0, show.stderr);
  assert.deepEqual(show.json().manifest, a);
  assert.match(xetcache(root, 'show', a.key).stdout, /slow_a\(\)/);
  const unknown = xetcache(root, 'show', 'ffff0000', '--json');
  assert.equal(unknown.code, 1);
  assert.equal(JSON.parse(unknown.stderr).code, 'ENOTFOUND');
  const badKey = xetcache(root, 'show', 'not-a-key');
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /^xetcache: EBADREQUEST: /);

  const stats = xetcache(root, 'stats', '--json');
  assert.equal(stats.json().entries, 3);
  assert.equal(stats.json().bytes, 300);

  const evict = xetcache(root, 'evict', '--notebook', 'b.ipynb', '--cell', 'c2', '--json');
  assert.deepEqual(evict.json(), { evicted: [c.key], bytes: 100 });
  assert.equal(xetcache(root, 'evict', '--cell', 'c1').code, 2); // --cell needs --notebook
  const trim = xetcache(root, 'trim', '--max-bytes', '150', '--json');
  assert.deepEqual(trim.json(), { evicted: [a.key], bytes_before: 200, bytes_after: 100 });
  assert.equal(xetcache(root, 'trim', '--max-bytes', 'lots').code, 2);
  // Right after an eviction the default grace period (1 h) keeps what was evicted: gc says so, and until when.
  const early = xetcache(root, 'gc');
  assert.equal(early.code, 0, early.stderr);
  assert.match(
    early.stdout,
    /removed 0 unreferenced objects, freed 0 B\nkept 2 unreferenced objects \(200 B\) younger than the grace period \(1 h\): they can be removed from \d{4}-\d\d-\d\d \d\d:\d\d UTC/
  );
  const earlyJson = xetcache(root, 'gc', '--json').json();
  assert.equal(earlyJson.grace_kept, 2);
  assert.equal(earlyJson.grace_kept_bytes, 200);
  assert.equal(earlyJson.grace_s, 3600);
  assert.ok(Date.parse(earlyJson.grace_all_free) > Date.now());
  // A grace period below the safe minimum would delete the objects of an entry being written: refused, unless forced.
  const refused = xetcache(root, 'gc', '--grace', '0');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^xetcache: EBADREQUEST: .*below the safe minimum of 600 s/);
  assert.equal(xetcache(root, 'gc', '--grace', '599', '--json').code, 2);
  const gc = xetcache(root, 'gc', '--grace', '0', '--force', '--json');
  assert.deepEqual(gc.json(), {
    removed: 2,
    freed_bytes: 200,
    grace_s: 0,
    grace_kept: 0,
    grace_kept_bytes: 0,
    grace_first_free: null,
    grace_all_free: null
  });

  const verify = xetcache(root, 'verify', '--json');
  assert.equal(verify.code, 0);
  assert.equal(verify.json().ok, true);
  const obj = store.objectPath(b.variables.x.objects[0]);
  fs.chmodSync(obj, 0o644);
  fs.writeFileSync(obj, 'garbage');
  const bad = xetcache(root, 'verify');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /xetcache: EINTEGRITY: verify found 1 problem/);
});

test('sizes: printed in binary units, and --max-bytes reads each unit as it says (500MB = 500e6, MiB = 2^20)', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root, '.xetcache');
  await addEntry(store, { bytes: 1020, created: '2026-01-01T00:00:00Z' });
  await addEntry(store, { bytes: 1020, created: '2026-01-02T00:00:00Z' });
  assert.match(xetcache(root, 'stats').stdout, /2 entries, 2 KiB stored/);
  // 2KB is 2000 bytes (< 2040: one entry goes); read as 2 KiB (2048) it would evict nothing.
  const trim = xetcache(root, 'trim', '--max-bytes', '2KB');
  assert.equal(trim.code, 0, trim.stderr);
  assert.match(trim.stdout, /evicted 1 entries: 2 KiB → 1020 B \(budget 2 KiB\)/);
  assert.deepEqual(
    xetcache(root, 'trim', '--max-bytes', '1KiB', '--json').json().bytes_after,
    1020
  );
  assert.equal(xetcache(root, 'trim', '--max-bytes', '1000B', '--json').json().bytes_after, 0);
  const bad = xetcache(root, 'trim', '--max-bytes', '5 PB');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /500 MiB, 2 GiB, 500 MB/);
});

test('failures name their code on stderr: no store, bad invocation', async t => {
  const root = await tempDir(t);
  const none = xetcache(root, 'ls');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^xetcache: ENOTSTORE: /);
  const other = xetcache(root, '--store', path.join(root, 'x'), 'stats', '--json');
  assert.equal(JSON.parse(other.stderr).code, 'ENOTSTORE');
  assert.equal(xetcache(root, 'frobnicate').code, 2);
  assert.equal(xetcache(root, '--version').stdout.trim(), PROJECT_VERSION);
});

test('serve on a Unix socket answers GET / and the API, and stops on SIGTERM', async t => {
  const root = await tempDir(t);
  await makeStore(root, 'nb/.xetcache');
  const socket = path.join(root, 'xc.sock');
  const child = spawn(process.execPath, [BIN, 'serve', '--root', root, '--socket', socket], {
    stdio: ['ignore', 'pipe', 'pipe']
  });
  t.after(() => child.kill());
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.on('exit', code => reject(new Error(`serve exited ${code}`)));
  });
  const request = (p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ socketPath: socket, path: p }, res => {
          let body = '';
          res.on('data', c => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
  assert.equal((await request('/')).status, 200);
  const list = await request('/api/entries?store=nb/.xetcache');
  assert.deepEqual(JSON.parse(list.body), { total: 0, entries: [] });
  const exited = new Promise<number | null>(resolve => child.on('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('the workspace links the bin: node_modules/.bin/xetcache runs the CLI', () => {
  const link = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'xetcache');
  const r = spawnSync(link, ['--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), PROJECT_VERSION);
});

test('remote, push and pull are forwarded to the Python package with their arguments and exit status', async t => {
  const root = await tempDir(t);
  await makeStore(root, '.xetcache');
  const repo = path.join(__dirname, '..', '..', '..');
  const venvPython = path.join(repo, '.venv', 'bin', 'python');
  const python = fs.existsSync(venvPython) ? venvPython : 'python3';
  const env = {
    ...process.env,
    XETCACHE_PYTHON: python,
    PYTHONPATH: path.join(repo, 'packages', 'python')
  };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', env });
  const help = run('--help');
  assert.match(help.stdout, /remote.*team cache/);
  const none = run('remote', '--json');
  assert.equal(none.status, 2, none.stderr);
  assert.equal(JSON.parse(none.stdout).error.code, 'EREMOTECONFIG');
  const set = run(
    'remote',
    'set',
    's3://team-bucket/p',
    '--endpoint',
    'http://127.0.0.1:9',
    '--no-test'
  );
  assert.equal(set.status, 0, set.stderr);
  const doc = JSON.parse(fs.readFileSync(path.join(root, '.xetcache', 'remote.json'), 'utf8'));
  assert.deepEqual(
    [doc.bucket, doc.prefix, doc.endpoint],
    ['team-bucket', 'p', 'http://127.0.0.1:9']
  );
  const nothing = run('push');
  assert.equal(nothing.status, 0, nothing.stderr);
  assert.match(nothing.stderr, /nothing to push/);
  const missing = spawnSync(process.execPath, [BIN, 'pull'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...env, XETCACHE_PYTHON: path.join(root, 'no-such-python') }
  });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /XETCACHE_PYTHON/);
});

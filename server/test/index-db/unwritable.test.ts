/**
 * A store that cannot be written (issue 10 item 4): every reading command and route failed with "EINTERNAL: unable
 * to open database file" on a read-only store, and verify failed on a full disk. Real conditions only: a chmod'ed
 * store read by an unprivileged user (root ignores permissions, so as root the CLI runs as `nobody`), a read-only
 * bind mount under a real server, and a full tmpfs. Reading works (the index is kept in memory); writing says
 * EREADONLY or ESTOREFULL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { StoreIndex } from '../../src/index-db';
import { addEntry, get, makeStore, post, serve, tempDir } from '../support/fixtures';

const BIN = path.join(__dirname, '..', '..', 'bin', 'xetcache.js');
const isRoot = process.getuid?.() === 0;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Run the CLI as a user the store's permissions apply to. */
function cliAsUser(...args: string[]) {
  const argv = [process.execPath, BIN, ...args];
  const r = isRoot
    ? spawnSync('runuser', ['-u', 'nobody', '--', ...argv], { encoding: 'utf8' })
    : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

function chmodTree(p: string, write: boolean): void {
  const st = fs.statSync(p);
  const mode = write ? st.mode | 0o200 : st.mode & ~0o222;
  fs.chmodSync(p, (st.isDirectory() ? mode | 0o555 : mode | 0o444) & 0o7777);
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) chmodTree(path.join(p, n), write);
}

function mount(args: string[]): boolean {
  return spawnSync('mount', args).status === 0;
}

/** An empty folder to mount on, unmounted and removed after the test (before any temp dir it holds is). */
function mountPoint(t: { after(fn: () => unknown): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xetcache-mnt-'));
  t.after(() => {
    spawnSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test(
  'a read-only store (chmod a-w): ls, show, stats and verify work, evict says EREADONLY',
  { skip: isRoot && !has('runuser') ? 'as root this needs runuser to drop privileges' : false },
  async t => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xetcache-ro-'));
    fs.chmodSync(root, 0o755); // the unprivileged user must reach the store
    const store = await makeStore(root, '.xetcache');
    t.after(() => {
      chmodTree(store.dir, true); // writable again first, or the folder cannot be removed
      fs.rmSync(root, { recursive: true, force: true });
    });
    const a = await addEntry(store, { notebook: 'a.ipynb', cell_id: 'c1', bytes: 100 });
    await addEntry(store, { notebook: 'b.ipynb', cell_id: 'c2', bytes: 50 });
    chmodTree(store.dir, false);

    const s = ['--store', store.dir, '--json'];
    const ls = cliAsUser(...s, 'ls');
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.json().total, 2);
    const stats = cliAsUser(...s, 'stats');
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(stats.json().bytes, 150);
    const show = cliAsUser(...s, 'show', a.key.slice(0, 12));
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.json().entry.key, a.key);
    const verify = cliAsUser(...s, 'verify');
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(verify.json().ok, true);
    assert.equal(fs.existsSync(path.join(store.dir, 'index.sqlite')), false); // the index lived in memory

    const evict = cliAsUser('--store', store.dir, 'evict', a.key);
    assert.equal(evict.code, 1);
    assert.match(
      evict.stderr,
      /^xetcache: EREADONLY: cannot evict: .*reading it \(ls, show, stats, verify\) still works/
    );
    assert.equal(cliAsUser(...s, 'ls').json().total, 2); // nothing changed
  }
);

test(
  'a read-only bind mount under a running server: read routes answer, evict is 409 EREADONLY',
  { skip: isRoot ? false : 'a bind mount needs root' },
  async t => {
    const src = await tempDir(t);
    const store = await makeStore(src, '.xetcache');
    const a = await addEntry(store, { notebook: 'a.ipynb', cell_id: 'c1', bytes: 100 });
    const root = mountPoint(t); // the server's root: <root>/.xetcache is the store, read-only
    if (!mount(['--bind', src, root]) || !mount(['-o', 'remount,bind,ro', root])) {
      t.skip('cannot make a read-only bind mount here');
      return;
    }
    const mnt = root;
    assert.throws(() => fs.writeFileSync(path.join(mnt, '.xetcache', 'probe'), 'x'), {
      code: 'EROFS'
    });

    const { base } = await serve(t, root);
    const q = 'store=.xetcache';
    const list = await get(base, `/api/entries?${q}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.total, 1);
    assert.equal((await get(base, `/api/stats?${q}`)).status, 200);
    assert.equal((await get(base, `/api/entries/${a.key}?${q}`)).status, 200);
    const verify = await post(base, '/api/verify', { store: '.xetcache' });
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true);
    const evict = await post(base, '/api/evict', { store: '.xetcache', key: a.key });
    assert.equal(evict.status, 409);
    assert.equal(evict.body.code, 'EREADONLY');
    const hit = await post(base, '/api/hits', { store: '.xetcache', key: a.key, saved_s: 1 });
    assert.equal(hit.body.code, 'EREADONLY');
  }
);

test(
  'a full disk (a real, full tmpfs): the index falls back to memory and reading works',
  { skip: isRoot ? false : 'mounting a tmpfs needs root' },
  async t => {
    const mnt = mountPoint(t);
    if (!mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt])) {
      t.skip('cannot mount a tmpfs here');
      return;
    }
    const store = await makeStore(mnt, '.xetcache');
    const a = await addEntry(store, { bytes: 1000 });
    // fill the disk to the last block
    const fd = fs.openSync(path.join(mnt, 'fill'), 'w');
    try {
      const block = Buffer.alloc(4096);
      for (;;) fs.writeSync(fd, block);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const index = await StoreIndex.open(store.dir);
    t.after(() => index.close());
    const page = await index.list({});
    assert.deepEqual(
      page.entries.map(e => e.key),
      [a.key]
    );
    assert.equal(index.inMemory, true);
    assert.equal((await index.verify()).ok, true);
    await assert.rejects(index.recordHit(a.key, 1), { code: 'ESTOREFULL' });
  }
);

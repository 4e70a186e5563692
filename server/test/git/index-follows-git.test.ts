/**
 * The server's index follows git: after `git pull`, `git checkout` and `git merge` change the manifests on disk,
 * the running server (real HTTP on loopback) answers with exactly the manifests now on disk — no restart. Entries
 * created on two clones merge without conflicts (one file per entry).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { openStore } from '@xetcache/store';
import { get, q, serve } from '../support/fixtures';
import { assertMatchesOpenApi } from '../support/openapi';
import {
  addEntry,
  clone,
  commitAll,
  git,
  gitSandbox,
  hasGitLfs,
  publishedStore,
  pull,
  push
} from './git-fixture';

const skip = !hasGitLfs() && 'git-lfs is not installed';

async function keysOnServer(base: string, store: string): Promise<string[]> {
  const r = await get(base, `/api/entries?${q({ store, limit: 1000 })}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { entries: { key: string }[] }).entries.map(e => e.key).sort();
}

async function keysOnDisk(dir: string): Promise<string[]> {
  return (await (await openStore(dir, { create: false })).listManifestKeys()).sort();
}

/** The server reconciles before answering; a short retry covers a watcher that is still debouncing. */
async function expectServerMatchesDisk(
  base: string,
  storeRel: string,
  dir: string
): Promise<string[]> {
  const want = await keysOnDisk(dir);
  let got: string[] = [];
  for (let i = 0; i < 50; i++) {
    got = await keysOnServer(base, storeRel);
    if (JSON.stringify(got) === JSON.stringify(want)) break;
    await new Promise(r => setTimeout(r, 100));
  }
  assert.deepEqual(got, want);
  return got;
}

async function twoClones(t: TestContext) {
  const root = await gitSandbox(t);
  const { url, a, rel, manifests } = await publishedStore(root, ['c1', 'c2']);
  const b = clone(url, path.join(root, 'b'), true);
  return { root, url, a, b, rel, manifests };
}

test('pull, checkout and checkout back: the running server follows', { skip }, async t => {
  const { a, b, rel } = await twoClones(t);
  const srv = await serve(t, b);
  const first = await expectServerMatchesDisk(srv.base, rel, path.join(b, rel));
  assert.equal(first.length, 2);
  const base = git(b, 'rev-parse', 'HEAD').trim();

  const storeA = await openStore(path.join(a, rel), { create: false });
  const added = await addEntry(storeA, 'c3');
  commitAll(a, 'c3');
  push(a);
  pull(b, true);
  const afterPull = await expectServerMatchesDisk(srv.base, rel, path.join(b, rel));
  assert.ok(afterPull.includes(added.key));

  git(b, 'checkout', '-q', base);
  const afterCheckout = await expectServerMatchesDisk(srv.base, rel, path.join(b, rel));
  assert.deepEqual(afterCheckout, first);

  git(b, 'checkout', '-q', 'main');
  assert.deepEqual(await expectServerMatchesDisk(srv.base, rel, path.join(b, rel)), afterPull);
});

test(
  'entries made on two clones merge without conflicts, and the server sees both sides',
  { skip },
  async t => {
    const { a, b, rel } = await twoClones(t);
    const srv = await serve(t, a);
    await expectServerMatchesDisk(srv.base, rel, path.join(a, rel));

    const fromB = await addEntry(await openStore(path.join(b, rel), { create: false }), 'b-cell');
    commitAll(b, 'entry from B');
    push(b);
    // Same cell id on both sides, different code → different keys → different files.
    const fromA = await addEntry(
      await openStore(path.join(a, rel), { create: false }),
      'b-cell',
      3
    );
    commitAll(a, 'entry from A');

    pull(a); // a real merge
    assert.equal(git(a, 'ls-files', '--unmerged'), '');
    assert.equal(git(a, 'status', '--porcelain', '--untracked-files=no'), '');
    assert.equal(git(a, 'rev-list', '--merges', 'HEAD').trim().split('\n').length, 1);
    const keys = await expectServerMatchesDisk(srv.base, rel, path.join(a, rel));
    assert.equal(keys.length, 4);
    assert.ok(keys.includes(fromA.key) && keys.includes(fromB.key));

    // A branch merged locally (no remote involved) is followed too.
    git(a, 'checkout', '-q', '-b', 'exp');
    const onBranch = await addEntry(
      await openStore(path.join(a, rel), { create: false }),
      'exp-cell'
    );
    commitAll(a, 'experiment');
    git(a, 'checkout', '-q', 'main');
    assert.ok(
      !(await expectServerMatchesDisk(srv.base, rel, path.join(a, rel))).includes(onBranch.key)
    );
    git(a, 'merge', '-q', '--no-edit', 'exp');
    assert.ok(
      (await expectServerMatchesDisk(srv.base, rel, path.join(a, rel))).includes(onBranch.key)
    );
  }
);

test(
  'GET /api/git reports LFS readiness for the UI, also before the store exists',
  { skip },
  async t => {
    const { b, rel } = await twoClones(t);
    const srv = await serve(t, b);
    let r = await get(srv.base, `/api/git?${q({ store: rel })}`);
    assert.equal(r.status, 200);
    assertMatchesOpenApi('/api/git', 'GET', 200, r.body);
    assert.deepEqual(r.body, {
      in_repo: true,
      lfs_available: true,
      lfs_configured: true,
      message: null,
      fix: null
    });

    git(b, 'config', '--global', '--remove-section', 'filter.lfs');
    r = await get(srv.base, `/api/git?${q({ store: 'other/.xetcache' })}`); // not created yet
    assert.equal(r.status, 200);
    const body = r.body as Record<string, unknown>;
    assert.equal(body.in_repo, true);
    assert.equal(body.lfs_configured, false);
    assert.equal(body.fix, 'git lfs install');
    assert.equal(typeof body.message, 'string');
    assert.equal('repo' in body, false); // no server paths to the browser
    assertMatchesOpenApi('/api/git', 'GET', 200, r.body);

    r = await get(srv.base, `/api/git?${q({ store: '../outside/.xetcache' })}`);
    assert.equal(r.status, 403);
    assert.equal((r.body as { code: string }).code, 'EOUTSIDEROOT');
  }
);

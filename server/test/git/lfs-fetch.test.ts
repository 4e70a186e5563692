import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { isXetCacheError, openStore } from '@xetcache/store';
import { fetchObjects } from '../../src/git/lfs-fetch';
import {
  assertSameSet,
  clone,
  git,
  gitSandbox,
  hasGitLfs,
  localLfsOids,
  publishedStore
} from './git-fixture';

const skip = !hasGitLfs() && 'git-lfs is not installed';

function reasonOf(e: unknown): unknown {
  assert.ok(isXetCacheError(e, 'ELFSPOINTER'), `expected ELFSPOINTER, got ${String(e)}`);
  return e.details?.reason;
}

test(
  'fetches exactly the requested pointer objects, despite lfs.fetchexclude',
  { skip },
  async t => {
    const root = await gitSandbox(t);
    const { url, rel, manifests } = await publishedStore(root, ['c1', 'c2'], 'data, v[1]');
    const b = clone(url, path.join(root, 'b'), true);
    git(b, 'config', 'lfs.fetchexclude', '**');
    const store = await openStore(path.join(b, rel), { create: false });
    const want = manifests[0].variables.x.objects;
    for (const oid of want) assert.equal(await store.objectState(oid), 'pointer');
    assert.deepEqual(await localLfsOids(b), []);
    const r = await fetchObjects(store, want);
    assertSameSet(r.fetched, want);
    assertSameSet(await localLfsOids(b), want);
    for (const oid of want) assert.equal(await store.objectState(oid), 'local');
    for (const oid of manifests[1].variables.x.objects)
      assert.equal(await store.objectState(oid), 'pointer');
    assert.equal(git(b, 'status', '--porcelain'), '');
    // Nothing left to do → no git run, nothing fetched.
    assert.deepEqual((await fetchObjects(store, want)).fetched, []);
  }
);

test('no remote: ENOREMOTE, objects stay pointers', { skip }, async t => {
  const root = await gitSandbox(t);
  const { url, rel, manifests } = await publishedStore(root, ['c1']);
  const b = clone(url, path.join(root, 'b'), true);
  git(b, 'remote', 'remove', 'origin');
  const store = await openStore(path.join(b, rel), { create: false });
  const oids = manifests[0].variables.x.objects;
  await assert.rejects(fetchObjects(store, oids), e => reasonOf(e) === 'ENOREMOTE');
  assert.equal(await store.objectState(oids[0]), 'pointer');
});

test('unreachable remote: EFETCH with git-lfs’s reason', { skip }, async t => {
  const root = await gitSandbox(t);
  const { url, rel, manifests } = await publishedStore(root, ['c1']);
  const b = clone(url, path.join(root, 'b'), true);
  git(b, 'remote', 'set-url', 'origin', 'http://127.0.0.1:9/nothing.git');
  const store = await openStore(path.join(b, rel), { create: false });
  await assert.rejects(
    fetchObjects(store, manifests[0].variables.x.objects),
    e => reasonOf(e) === 'EFETCH'
  );
  assert.deepEqual(await localLfsOids(b), []);
});

test('LFS not configured: ELFSNOTCONFIGURED with the fix, nothing changed', { skip }, async t => {
  const root = await gitSandbox(t);
  const { url, rel, manifests } = await publishedStore(root, ['c1']);
  const b = clone(url, path.join(root, 'b'), true);
  git(root, 'config', '--global', '--remove-section', 'filter.lfs');
  const store = await openStore(path.join(b, rel), { create: false });
  await assert.rejects(fetchObjects(store, manifests[0].variables.x.objects), e => {
    assert.equal(reasonOf(e), 'ELFSNOTCONFIGURED');
    assert.equal((e as { details: { fix: string } }).details.fix, 'git lfs install');
    return true;
  });
  assert.deepEqual(await localLfsOids(b), []);
});

/** `xetcache status` and `xetcache fetch` (run in-process through their run functions) on a lazy clone. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runFetch, type CliIO } from '../../src/cli/fetch';
import { runStatus } from '../../src/cli/status';
import { resetLfsWarning } from '../../src/git/warn-once';
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

function capture(): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: s => (out += s), err: s => (err += s), stdout: () => out, stderr: () => err };
}

test(
  'status lists pointer entries, fetch KEY downloads only that entry, status then shows it local',
  { skip },
  async t => {
    const root = await gitSandbox(t);
    const { url, rel, manifests } = await publishedStore(root, ['c1', 'c2', 'c3']);
    const b = clone(url, path.join(root, 'b'), true);
    const store = path.join(b, rel);

    let io = capture();
    assert.equal(await runStatus({ store, json: true }, io), 0);
    const before = JSON.parse(io.stdout());
    assert.equal(before.summary.pointer, 3);
    assert.equal(before.summary.local, 0);
    assert.equal(before.summary.pointer_bytes, 3 * 2 * 4000);
    assert.equal(io.stderr(), '');

    io = capture();
    assert.equal(await runFetch({ store, keys: [manifests[1].key.slice(0, 12)] }, io), 0);
    assert.match(io.stderr(), /fetching 2 objects \(7.8 KiB\) from LFS/);
    assertSameSet(await localLfsOids(b), manifests[1].variables.x.objects);

    io = capture();
    await runStatus({ store, json: true }, io);
    const after = JSON.parse(io.stdout());
    const states = Object.fromEntries(
      after.entries.map((e: { key: string; state: string }) => [e.key, e.state])
    );
    assert.deepEqual(states, {
      [manifests[0].key]: 'pointer',
      [manifests[1].key]: 'local',
      [manifests[2].key]: 'pointer'
    });

    io = capture();
    assert.equal(await runStatus({ store }, io), 0);
    assert.match(io.stdout(), /3 entries: 1 local, 2 with LFS pointers/);

    io = capture();
    assert.equal(await runFetch({ store, all: true, keys: [], json: true }, io), 0);
    const rep = JSON.parse(io.stdout());
    assert.equal(rep.fetched, 4);
    assert.equal((await localLfsOids(b)).length, 6);
  }
);

test(
  'fetch refuses unknown keys and missing arguments before downloading anything',
  { skip },
  async t => {
    const root = await gitSandbox(t);
    const { url, rel } = await publishedStore(root, ['c1']);
    const b = clone(url, path.join(root, 'b'), true);
    const store = path.join(b, rel);
    assert.equal(await runFetch({ store, keys: [] }, capture()), 2);
    await assert.rejects(
      runFetch({ store, keys: ['ffffffffffff'] }, capture()),
      (e: { code?: string }) => e.code === 'ENOTFOUND'
    );
    await assert.rejects(
      runFetch({ store, keys: ['../x'] }, capture()),
      (e: { code?: string }) => e.code === 'EBADREQUEST'
    );
    assert.deepEqual(await localLfsOids(b), []);
  }
);

test(
  'a failed fetch exits 1 with the reason; an unconfigured LFS is reported once per run with its fix',
  { skip },
  async t => {
    const root = await gitSandbox(t);
    const { url, rel } = await publishedStore(root, ['c1']);
    const b = clone(url, path.join(root, 'b'), true);
    const store = path.join(b, rel);
    git(b, 'remote', 'remove', 'origin');
    let io = capture();
    assert.equal(await runFetch({ store, all: true, keys: [], json: true }, io), 1);
    const rep = JSON.parse(io.stdout());
    assert.equal(rep.ok, false);
    assert.equal(rep.error.reason, 'ENOREMOTE');

    git(root, 'config', '--global', '--remove-section', 'filter.lfs');
    resetLfsWarning();
    io = capture();
    await runStatus({ store }, io);
    await runFetch({ store, all: true, keys: [] }, io);
    const warnings = io
      .stderr()
      .split('\n')
      .filter(l => l.includes('Fix: git lfs install') && l.includes('not set up'));
    assert.equal(warnings.length, 2); // the once-per-run notice + the fetch's own failure reason
    assert.equal(
      io
        .stderr()
        .split('\n')
        .filter(l => l.startsWith('xetcache: Git LFS is installed but not set up')).length,
      1
    );
  }
);

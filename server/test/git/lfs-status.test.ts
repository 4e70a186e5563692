import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '@xetcache/store';
import { gitStatus, needsAction } from '../../src/git/lfs-status';
import { formatLfsWarning, resetLfsWarning, warnIfLfsNotReady } from '../../src/git/warn-once';
import { git, gitSandbox, hasGitLfs, initRepo } from './git-fixture';

const skip = !hasGitLfs() && 'git-lfs is not installed';

test(
  'a new store in a repository with LFS set up is ready, and commits objects as LFS pointers',
  { skip },
  async t => {
    const root = await gitSandbox(t);
    const repo = await initRepo(path.join(root, 'r'), null);
    const store = await openStore(path.join(repo, 'nb', '.xetcache'), { create: true });
    const { oid } = await store.writeObject(Buffer.from('some object bytes'));
    const s = await gitStatus(store.dir);
    assert.deepEqual(
      { ...s, repo: null },
      {
        in_repo: true,
        repo: null,
        lfs_available: true,
        lfs_configured: true,
        message: null,
        fix: null
      }
    );
    assert.equal(s.repo, repo);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 's');
    const lfsFiles = git(repo, 'lfs', 'ls-files', '--name-only').trim().split('\n');
    assert.deepEqual(lfsFiles, [`nb/.xetcache/objects/sha256/${oid.slice(0, 2)}/${oid}`]);
    assert.match(
      git(repo, 'show', `HEAD:nb/.xetcache/objects/sha256/${oid.slice(0, 2)}/${oid}`),
      /^version https:\/\/git-lfs/
    );
    assert.equal(git(repo, 'show', 'HEAD:nb/.xetcache/STORE'), 'xetcache-store 1\n');
    assert.equal(git(repo, 'ls-files', 'nb/.xetcache/tmp', 'nb/.xetcache/index.sqlite'), '');
  }
);

test(
  'LFS installed but `git lfs install` never run: says so with the fix, changes nothing',
  { skip },
  async t => {
    const root = await gitSandbox(t, { lfsInstall: false });
    const repo = await initRepo(path.join(root, 'r'), null);
    const before = await fsp.readFile(process.env.GIT_CONFIG_GLOBAL!, 'utf8');
    const s = await gitStatus(path.join(repo, 'nb', '.xetcache')); // not created yet: the repo still counts
    assert.equal(s.in_repo, true);
    assert.equal(s.lfs_available, true);
    assert.equal(s.lfs_configured, false);
    assert.equal(s.fix, 'git lfs install');
    assert.ok(needsAction(s));
    assert.equal(await fsp.readFile(process.env.GIT_CONFIG_GLOBAL!, 'utf8'), before);
    assert.equal(git(repo, 'config', '--list', '--local').includes('filter.lfs'), false);
  }
);

test('git-lfs not installed at all', { skip }, async t => {
  const root = await gitSandbox(t);
  const repo = await initRepo(path.join(root, 'r'), null);
  const bin = path.join(root, 'bin');
  await fsp.mkdir(bin);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  await fsp.symlink(await fsp.realpath(realGit), path.join(bin, 'git'));
  const execPath = git(root, '--exec-path').trim();
  const savedPath = process.env.PATH;
  process.env.PATH = bin;
  process.env.GIT_EXEC_PATH = execPath;
  t.after(() => {
    process.env.PATH = savedPath;
  });
  const s = await gitStatus(repo);
  assert.equal(s.in_repo, true);
  assert.equal(s.lfs_available, false);
  assert.match(s.fix ?? '', /git lfs install/);
});

test('outside any repository there is nothing to say', { skip }, async t => {
  const root = await gitSandbox(t);
  const s = await gitStatus(path.join(root, 'plain', '.xetcache'));
  assert.equal(s.in_repo, false);
  assert.equal(s.message, null);
  assert.equal(needsAction(s), false);
});

test(
  'the CLI warning is printed once per run, on the given stream, with the fix',
  { skip },
  async t => {
    const root = await gitSandbox(t, { lfsInstall: false });
    const repo = await initRepo(path.join(root, 'r'), null);
    resetLfsWarning();
    const lines: string[] = [];
    await warnIfLfsNotReady(repo, s => lines.push(s));
    await warnIfLfsNotReady(repo, s => lines.push(s));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('Fix: git lfs install\n'));
    assert.equal(formatLfsWarning(await gitStatus(repo)), lines[0]);
  }
);

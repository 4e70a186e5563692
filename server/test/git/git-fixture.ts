/**
 * Real git + Debian's git-lfs against a local bare remote (file:// → git-lfs's standalone file transfer, no LFS
 * server). Each test gets a private HOME / global git config with `git lfs install` run there, so the real user's
 * config is never read or written.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestContext } from 'node:test';
import { openStore, type Manifest, type Store } from '@xetcache/store';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hasGitLfs(): boolean {
  try {
    execFileSync('git', ['lfs', 'version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A fresh temp dir (removed after the test) with a private git HOME set in process.env for this test. */
export async function gitSandbox(
  t: TestContext,
  opts: { lfsInstall?: boolean } = {}
): Promise<string> {
  const root = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'xetcache-git-test-')));
  const home = path.join(root, 'home');
  await fsp.mkdir(home);
  const saved = { ...process.env };
  Object.assign(process.env, {
    HOME: home,
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    XDG_CONFIG_HOME: path.join(home, '.config')
  });
  delete process.env.GIT_LFS_SKIP_SMUDGE;
  t.after(async () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await fsp.rm(root, { recursive: true, force: true });
  });
  for (const [k, v] of [
    ['user.name', 'XetCache Test'],
    ['user.email', 'test@xetcache.invalid'],
    ['init.defaultBranch', 'main'],
    ['pull.rebase', 'false']
  ]) {
    git(root, 'config', '--global', k, v);
  }
  if (opts.lfsInstall !== false) git(root, 'lfs', 'install');
  return root;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function gitEnv(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

export function initBare(dir: string): string {
  git(path.dirname(dir), 'init', '-q', '--bare', dir);
  return pathToFileURL(dir).href;
}

export async function initRepo(dir: string, remote: string | null): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  git(dir, 'init', '-q');
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  return dir;
}

/** lazy = GIT_LFS_SKIP_SMUDGE=1: every LFS object of the clone stays a pointer. */
export function clone(url: string, dest: string, lazy: boolean): string {
  gitEnv(
    path.dirname(dest),
    lazy ? { GIT_LFS_SKIP_SMUDGE: '1' } : {},
    'clone',
    '-q',
    url,
    path.basename(dest)
  );
  return dest;
}

export function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A', '.');
  git(repo, 'commit', '-q', '-m', message);
}

export function push(repo: string): void {
  git(repo, 'push', '-q', '-u', 'origin', 'HEAD');
}

export function pull(repo: string, lazy = false): void {
  gitEnv(repo, lazy ? { GIT_LFS_SKIP_SMUDGE: '1' } : {}, 'pull', '-q', '--no-edit');
}

/** oids in the clone's local LFS cache: what has actually been downloaded. */
export async function localLfsOids(repo: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const ent of await fsp.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (/^[0-9a-f]{64}$/.test(ent.name)) out.push(ent.name);
    }
  }
  await walk(path.join(repo, '.git', 'lfs', 'objects'));
  return out.sort();
}

/** A schema-valid manifest for a cell entry naming `oids` (first one a variable, the rest its buffers). */
export function cellManifest(
  oids: string[],
  sizes: number[],
  cellId: string,
  notebook = 'analysis.ipynb'
): Manifest {
  const key = sha256(`${notebook}#${cellId}#${oids.join(',')}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  return {
    format: 1,
    key,
    kind: 'cell',
    created: '2026-11-25T10:00:00.000Z',
    runtime_s: 12.5,
    language: { name: 'python', version: '3.12.1' },
    source: {
      notebook,
      cell_id: cellId,
      code_sha256: sha256(cellId),
      preview: `# ${cellId}`,
      qualname: null
    },
    inputs: {},
    outputs_names: ['x'],
    variables: { x: { objects: oids, bytes: total, codec: 'pickle5', type: 'builtins.bytes' } },
    outputs: null,
    namespace: null,
    total_bytes: total,
    engine: { name: 'xetcache-test', version: '0.0.0' }
  };
}

/** Writes an entry of `n` random objects of `size` bytes through the store library; returns its manifest. */
export async function addEntry(
  store: Store,
  cellId: string,
  n = 2,
  size = 4000
): Promise<Manifest> {
  const oids: string[] = [];
  for (let i = 0; i < n; i++) oids.push((await store.writeObject(randomBytes(size))).oid);
  const m = cellManifest(
    oids,
    oids.map(() => size),
    cellId
  );
  await store.writeManifest(m);
  return m;
}

/** Repo A (with remote) holding a store at <sub>/.xetcache with the given entries, committed and pushed. */
export async function publishedStore(
  root: string,
  cells: string[],
  sub = 'nb'
): Promise<{ url: string; a: string; rel: string; manifests: Manifest[] }> {
  const url = initBare(path.join(root, 'remote.git'));
  const a = await initRepo(path.join(root, 'a'), url);
  const rel = path.join(sub, '.xetcache');
  const store = await openStore(path.join(a, rel), { create: true });
  const manifests: Manifest[] = [];
  for (const c of cells) manifests.push(await addEntry(store, c));
  commitAll(a, 'store');
  push(a);
  return { url, a, rel, manifests };
}

export function assertSameSet(actual: string[], expected: string[]): void {
  assert.deepEqual([...actual].sort(), [...expected].sort());
}

/**
 * Make chosen objects of a store local: one `git lfs pull --include=<their paths>` (split only when the argument
 * would be too long). `--exclude=` (empty) on purpose: a configured lfs.fetchexclude would otherwise skip our
 * objects silently (exit 0, nothing fetched). Afterwards every object is checked again — a pull that "worked" but
 * left pointers is a failure, never reported as success. The Python engine does the same (xetcache/lfs.py).
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { XetCacheError, type Store } from '@xetcache/store';
import { includeArgs, includePattern } from './include';
import { gitDirs, gitStatus } from './lfs-status';
import { runGit } from './run-git';

export interface FetchOptions {
  /** Receives git-lfs's stderr as it runs (progress when attached to a terminal, errors otherwise). */
  onStderr?: (chunk: string) => void;
}

export interface FetchResult {
  requested: number;
  fetched: string[];
}

/** Reasons a fetch can fail, in `details.reason` of an ELFSPOINTER error (the objects stay pointers). */
export type FetchFailure = 'ENOTREPO' | 'ENOLFS' | 'ELFSNOTCONFIGURED' | 'ENOREMOTE' | 'EFETCH';

function fail(
  reason: FetchFailure,
  message: string,
  oids: string[],
  fix: string | null = null
): XetCacheError {
  return new XetCacheError('ELFSPOINTER', fix ? `${message} Fix: ${fix}` : message, {
    reason,
    fix,
    oids
  });
}

/** Fetches the given pointer objects. Already-local oids are skipped; missing ones are not LFS's to fetch. */
export async function fetchObjects(
  store: Store,
  oids: string[],
  opts: FetchOptions = {}
): Promise<FetchResult> {
  const todo: string[] = [];
  for (const oid of new Set(oids)) if ((await store.objectState(oid)) === 'pointer') todo.push(oid);
  if (todo.length === 0) return { requested: 0, fetched: [] };

  const status = await gitStatus(store.dir);
  if (!status.in_repo)
    throw fail(
      'ENOTREPO',
      'objects are LFS pointers but the store is not in a git repository.',
      todo
    );
  if (!status.lfs_available)
    throw fail(
      'ENOLFS',
      'objects are LFS pointers but Git LFS is not installed.',
      todo,
      status.fix
    );
  if (!status.lfs_configured) {
    throw fail(
      'ELFSNOTCONFIGURED',
      'objects are LFS pointers but Git LFS is not set up for this user.',
      todo,
      status.fix
    );
  }
  const dirs = await gitDirs(store.dir);
  if (!dirs) throw fail('ENOTREPO', 'the store is not in a git repository.', todo);

  // git prints the top level with symlinks resolved; relate the real path of the store to it.
  const realStore = await realpath(store.dir);
  const relPath = (oid: string) =>
    path
      .relative(dirs.top, path.join(realStore, path.relative(store.dir, store.objectPath(oid))))
      .split(path.sep)
      .join('/');
  const patterns = todo.map(oid => includePattern(relPath(oid)));
  for (const inc of includeArgs(patterns)) {
    const r = await runGit(['lfs', 'pull', `--include=${inc}`, '--exclude='], {
      cwd: dirs.top,
      onStderr: opts.onStderr
    });
    if (r.code !== 0) {
      const remotes = await runGit(['remote'], { cwd: dirs.top });
      if (remotes.stdout.trim() === '') {
        throw fail(
          'ENOREMOTE',
          'objects are LFS pointers and the repository has no remote to fetch them from.',
          todo,
          'git remote add origin <url>'
        );
      }
      const detail =
        r.stderr.split(/\s+/).join(' ').trim().slice(0, 400) || `exit status ${r.code}`;
      throw fail('EFETCH', `git lfs pull failed: ${detail}`, todo);
    }
  }
  const still: string[] = [];
  for (const oid of todo) if ((await store.objectState(oid)) !== 'local') still.push(oid);
  if (still.length > 0) {
    throw fail(
      'EFETCH',
      `git lfs pull ran but ${still.length} object(s) are still pointers (not in the checked-out commit, or not on the remote).`,
      still
    );
  }
  return { requested: todo.length, fetched: todo };
}

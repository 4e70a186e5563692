/**
 * Is the store ready to travel with its repository? A store in a git repository whose objects/** are LFS-tracked
 * needs git-lfs installed AND `git lfs install` run (the filter.lfs.* config). Without them objects are committed
 * as plain git blobs and pointers are never checked out — so we say so, with the exact command that fixes it, and
 * change nothing ourselves. Same shape and wording as the Python side (xetcache/lfs.py `lfs_status`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runGit } from './run-git';

export interface GitStatus {
  in_repo: boolean;
  /** Work-tree top level of the repository holding the store, or null. */
  repo: string | null;
  lfs_available: boolean;
  lfs_configured: boolean;
  /** A sentence for people when something needs doing, else null. */
  message: string | null;
  /** The exact command (or step) that fixes it, else null. */
  fix: string | null;
}

export const FIX_INSTALL_LFS =
  'install Git LFS (e.g. `sudo apt-get install git-lfs`, see https://git-lfs.com), then run `git lfs install`';
export const FIX_CONFIGURE_LFS = 'git lfs install';

/** The nearest existing directory: a store path that does not exist yet still belongs to a repository. */
function existingDir(p: string): string {
  let dir = path.resolve(p);
  for (;;) {
    try {
      if (fs.statSync(dir).isDirectory()) return dir;
    } catch {
      /* keep climbing */
    }
    const up = path.dirname(dir);
    if (up === dir) return dir;
    dir = up;
  }
}

/** Work-tree top level and absolute git dir of the repository holding `p`, or null. */
export async function gitDirs(p: string): Promise<{ top: string; gitDir: string } | null> {
  const r = await runGit(['rev-parse', '--show-toplevel', '--absolute-git-dir'], {
    cwd: existingDir(p)
  });
  const [top, gitDir] = r.stdout.split('\n');
  if (r.code !== 0 || !top || !gitDir) return null;
  return { top, gitDir };
}

export async function lfsAvailable(cwd: string): Promise<boolean> {
  return (await runGit(['lfs', 'version'], { cwd })).code === 0;
}

export async function lfsConfigured(cwd: string): Promise<boolean> {
  for (const name of ['filter.lfs.process', 'filter.lfs.smudge']) {
    const r = await runGit(['config', '--get', name], { cwd });
    if (r.code === 0 && r.stdout.trim() !== '') return true;
  }
  return false;
}

export async function gitStatus(storeDir: string): Promise<GitStatus> {
  const cwd = existingDir(storeDir);
  const [dirs, available] = await Promise.all([gitDirs(cwd), lfsAvailable(cwd)]);
  const out: GitStatus = {
    in_repo: dirs !== null,
    repo: dirs?.top ?? null,
    lfs_available: available,
    lfs_configured: false,
    message: null,
    fix: null
  };
  // Not in a repository: nothing to commit or fetch, nothing to say.
  if (!dirs) return out;
  if (!available) {
    out.message =
      'Git LFS is not installed: objects of this store cannot be committed or fetched as LFS.';
    out.fix = FIX_INSTALL_LFS;
    return out;
  }
  out.lfs_configured = await lfsConfigured(dirs.top);
  if (!out.lfs_configured) {
    out.message =
      'Git LFS is installed but not set up for your user (`filter.lfs.*` missing): objects would be committed ' +
      'as plain git blobs and pointers are not checked out.';
    out.fix = FIX_CONFIGURE_LFS;
  }
  return out;
}

/** True when the store's repository needs the user to act (in a repo, but LFS missing or not configured). */
export function needsAction(s: GitStatus): boolean {
  return s.in_repo && (!s.lfs_available || !s.lfs_configured);
}

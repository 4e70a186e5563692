/**
 * Turning the `store` parameter into a folder, safely. The parameter is a path relative to the server's root;
 * anything that could leave the root is refused with EOUTSIDEROOT: absolute paths, `..` segments (also when they
 * arrived percent-encoded — the query parser has decoded them by now), and symlinks whose target is outside
 * (checked on the realpath, so a link anywhere along the path counts).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { XetCacheError, isXetCacheError } from '@xetcache/store';

function outside(rel: string, why: string): XetCacheError {
  return new XetCacheError(
    'EOUTSIDEROOT',
    `store "${rel}" is refused: ${why}; give a path inside the server root`,
    { store: rel }
  );
}

/** root must already be a realpath (createApp resolves it once). Returns the store folder's realpath. */
export async function resolveStorePath(root: string, rel: string): Promise<string> {
  if (rel === '')
    throw new XetCacheError('EBADREQUEST', 'store must not be empty (e.g. "work/.xetcache")');
  if (rel.includes('\0'))
    throw new XetCacheError('EBADREQUEST', 'store must not contain NUL characters');
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel))
    throw outside(rel, 'it is an absolute path');
  if (rel.split(/[\\/]+/).includes('..')) throw outside(rel, 'it contains ".."');
  const joined = path.resolve(root, rel);
  let real: string;
  try {
    real = await fsp.realpath(joined);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new XetCacheError(
        'ENOTSTORE',
        `no store at "${rel}" (nothing there); run a cached cell to create it`,
        { store: rel }
      );
    }
    // No folder can be there: a name longer than the filesystem allows, or a loop of symlinks. Nothing there,
    // like ENOENT, and not a server fault (both were 500 EINTERNAL under fuzzing). The document allows up to 4096
    // characters; the filesystem decides which of those can name a folder.
    if (code === 'ENAMETOOLONG' || code === 'ELOOP') {
      const why = code === 'ELOOP' ? 'a loop of symlinks' : 'too long a name for the filesystem';
      throw new XetCacheError('ENOTSTORE', `no store at "${rel.slice(0, 200)}" (${why})`, {
        store: rel.slice(0, 200)
      });
    }
    throw e;
  }
  if (real !== root && !real.startsWith(root + path.sep))
    throw outside(rel, 'it resolves (through a symlink) outside the root');
  return real;
}

/**
 * The store folder, or (before its first cached run created it) its nearest existing ancestor inside the root.
 * Each step is resolveStorePath, so a missing store under a symlink that leaves the root is EOUTSIDEROOT.
 */
export async function storeOrAncestor(root: string, rel: string): Promise<string> {
  let cur = rel.split(path.sep).join('/');
  for (;;) {
    try {
      return await resolveStorePath(root, cur);
    } catch (e) {
      if (!isXetCacheError(e, 'ENOTSTORE')) throw e; // EOUTSIDEROOT / EBADREQUEST stand
      cur = path.posix.dirname(cur);
      if (cur === '.' || cur === '/' || cur === '') return root;
    }
  }
}

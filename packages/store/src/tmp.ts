/**
 * Staging for atomic writes (CONTRACT.md: tmp/<random>.tmp, O_EXCL, write, fsync, rename). Everything that lands
 * in a store — objects, manifests, the STORE file — goes through here, so a reader never sees a half-written file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as C, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { XetCacheError, sysCode } from './errors';
import { TMP_STALE_MS, tmpRoot } from './layout';

export interface TmpFile {
  path: string;
  fh: FileHandle;
}

let host: string | null = null;

/** The first 8 hex of sha256 of the host name: which machine a tmp file's pid belongs to (spec/FORMAT.md). */
export function hostId(): string {
  host ??= createHash('sha256').update(os.hostname(), 'utf8').digest('hex').slice(0, 8);
  return host;
}

const TMP_NAME = /^([0-9a-f]{8})-([0-9]{1,10})-[0-9a-f]{24}\.tmp$/;

/** [host id, pid] of a tmp file named by createTmp (or the Python engine), null for any other name. */
export function tmpWriter(name: string): [string, number] | null {
  const m = TMP_NAME.exec(name);
  return m ? [m[1], Number(m[2])] : null;
}

/** The process `pid` of this machine no longer exists (a pid reused since only keeps a file longer). */
function gone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return sysCode(e) === 'ESRCH'; // EPERM: alive, another user's
  }
}

/**
 * tmp/<host>-<pid>-<random>.tmp, O_EXCL: two writers can never share a tmp file, and the name says whose it is, so
 * the next opener can remove a killed writer's at once (cleanStaleTmp).
 */
export async function createTmp(dir: string): Promise<TmpFile> {
  const root = tmpRoot(dir);
  for (let attempt = 0; ; attempt++) {
    const p = path.join(root, `${hostId()}-${process.pid}-${randomBytes(12).toString('hex')}.tmp`);
    try {
      const fh = await fsp.open(p, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o644);
      return { path: p, fh };
    } catch (e) {
      // tmp/ is gitignored, so a fresh clone or someone's cleanup may have removed it: recreate once.
      if (sysCode(e) === 'ENOENT' && attempt === 0) {
        await fsp.mkdir(root, { recursive: true });
        continue;
      }
      if (sysCode(e) === 'EEXIST' && attempt < 5) continue;
      throw e;
    }
  }
}

/** fh.write may write less than asked; loop so a short write can never silently truncate a file. */
export async function writeAll(fh: FileHandle, buf: Buffer, position?: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const at = position === undefined ? undefined : position + off;
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, at);
    off += bytesWritten;
  }
}

/** A rename is durable only once its directory is synced; some platforms cannot open a directory — then skip. */
export async function fsyncDir(dirPath: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dirPath, 'r');
    await fh.sync();
  } catch (e) {
    const code = sysCode(e);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}

export async function removeQuietly(p: string): Promise<void> {
  try {
    await fsp.unlink(p);
  } catch (e) {
    if (sysCode(e) !== 'ENOENT') throw e;
  }
}

/**
 * Make the folder `finalPath` goes into (a fan-out folder such as objects/sha256/ab), refusing one that exists but
 * is not a real folder: through a symlinked one (a clone can plant it) the file would land outside the store.
 */
export async function ensureRealParent(finalPath: string): Promise<void> {
  const parent = path.dirname(finalPath);
  await fsp.mkdir(parent, { recursive: true }).catch((e: unknown) => {
    if (sysCode(e) !== 'EEXIST') throw e;
  });
  if (!(await fsp.lstat(parent)).isDirectory())
    throw new XetCacheError('EINTEGRITY', `${parent} is not a real folder; nothing written`, {
      path: parent
    });
}

/**
 * Move a finished tmp file to `finalPath` only if nothing is there yet. link() fails with EEXIST instead of
 * replacing, which makes "never overwrite an object" atomic even against a concurrent writer of the same oid.
 * The caller still removes the tmp name afterwards (in its finally).
 */
export async function placeNoClobber(
  tmpPath: string,
  finalPath: string
): Promise<'placed' | 'existed'> {
  await ensureRealParent(finalPath);
  try {
    await fsp.link(tmpPath, finalPath);
    return 'placed';
  } catch (e) {
    const code = sysCode(e);
    if (code === 'EEXIST') return 'existed';
    // Filesystems without hard links: check-then-rename; the race is benign as both sides hold the same bytes.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK') {
      try {
        await fsp.access(finalPath);
        return 'existed';
      } catch {
        await fsp.rename(tmpPath, finalPath);
        return 'placed';
      }
    }
    throw e;
  }
}

/** Atomic replace: the path holds the old bytes or the new bytes, never a mix (used for manifests). */
export async function placeReplace(tmpPath: string, finalPath: string): Promise<void> {
  await ensureRealParent(finalPath);
  await fsp.rename(tmpPath, finalPath);
}

/** Write a whole small file atomically (tmp → fsync → place). Returns whether it was placed. */
export async function writeFileAtomic(
  dir: string,
  finalPath: string,
  data: Buffer | string,
  mode: 'replace' | 'no-clobber'
): Promise<'placed' | 'existed'> {
  const tmp = await createTmp(dir);
  let open = true;
  try {
    await writeAll(tmp.fh, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
    await tmp.fh.sync();
    await tmp.fh.close();
    open = false;
    let result: 'placed' | 'existed' = 'placed';
    if (mode === 'replace') await placeReplace(tmp.path, finalPath);
    else result = await placeNoClobber(tmp.path, finalPath);
    if (result === 'placed') await fsyncDir(path.dirname(finalPath));
    return result;
  } finally {
    if (open) await tmp.fh.close().catch(() => undefined);
    await removeQuietly(tmp.path);
  }
}

/**
 * Remove the tmp files of writers that are gone: at any age when the name says a process of this machine that no
 * longer exists (killed mid-write), else older than maxAgeMs. Other young files may belong to a live writer, so
 * they are left alone. Returns how many were removed.
 */
export async function cleanStaleTmp(
  dir: string,
  maxAgeMs = TMP_STALE_MS,
  now = Date.now()
): Promise<number> {
  const root = tmpRoot(dir);
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.tmp')) continue;
    const p = path.join(root, name);
    try {
      const st = await fsp.lstat(p);
      if (!st.isFile()) continue;
      const writer = tmpWriter(name);
      const dead = writer !== null && writer[0] === hostId() && gone(writer[1]);
      if (!dead && now - st.mtimeMs < maxAgeMs) continue;
      await fsp.unlink(p);
      removed++;
    } catch (e) {
      if (sysCode(e) !== 'ENOENT') throw e; // another opener got there first
    }
  }
  return removed;
}

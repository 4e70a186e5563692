/**
 * Reading an object, always verified: invariant (5) — a hash mismatch is an error plus a quarantine, never a load.
 * A whole-buffer read returns bytes only after they hashed right. A stream withholds its last chunk until the
 * digest is checked, so a consumer that sees 'end' has exactly the named bytes.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { XetCacheError, sysCode } from './errors';
import { OBJECTS_DIR, QUARANTINE_DIR, objectPath, quarantinePath } from './layout';
import { looksLikeLfsPointer, LFS_POINTER_MAX_BYTES } from './lfs';
import { NotRegularError, openRegular, realDirs } from './safe-open';

const READ_CHUNK = 4 * 1024 * 1024;
const STREAM_CHUNK = 2 * 1024 * 1024;

export type ObjectState = 'local' | 'pointer' | 'missing';

/** objects/sha256/<o0o1> is a real folder: through a symlinked one a read or a move would leave the store. */
function fanIsReal(dir: string, oid: string): Promise<boolean> {
  return realDirs(dir, ...OBJECTS_DIR.split(path.sep), oid.slice(0, 2));
}

/**
 * The object's regular file, opened. ENOTFOUND when absent; EINTEGRITY (quarantined) when the name is a symlink,
 * FIFO, device or folder, or its fan-out folder is not a real folder: none of them is ever read.
 */
async function openObject(
  dir: string,
  oid: string
): Promise<{ fh: FileHandle; size: number; path: string }> {
  const p = objectPath(dir, oid);
  const notFound = () =>
    new XetCacheError('ENOTFOUND', `object ${oid} is not in the store`, { oid });
  if (!(await fanIsReal(dir, oid))) {
    const there = await fsp.lstat(path.dirname(p)).then(
      () => true,
      () => false
    );
    if (!there) throw notFound();
    throw new XetCacheError(
      'EINTEGRITY',
      `objects/sha256/${oid.slice(0, 2)} is not a real folder`,
      {
        oid
      }
    );
  }
  try {
    const { fh, stat } = await openRegular(p);
    return { fh, size: stat.size, path: p };
  } catch (e) {
    if (sysCode(e) === 'ENOENT') throw notFound();
    if (e instanceof NotRegularError) {
      const moved = await quarantineObject(dir, oid).catch(() => null);
      throw new XetCacheError('EINTEGRITY', `object ${oid} is not a regular file; not read`, {
        oid,
        quarantined: moved
      });
    }
    throw e;
  }
}

/**
 * Move bad bytes aside so nothing loads them again and a later write of the real content can take the name.
 * The directory entry moves (a symlink as itself, never its target), and only between real folders of the store:
 * otherwise the rename could move a file from, or into, a folder outside it. Returns where it went, or null.
 */
export async function quarantineObject(dir: string, oid: string): Promise<string | null> {
  const from = objectPath(dir, oid);
  const to = quarantinePath(dir, oid);
  if (!(await fanIsReal(dir, oid))) return null;
  await fsp.mkdir(path.dirname(to)).catch((e: unknown) => {
    if (sysCode(e) !== 'EEXIST') throw e;
  });
  if (!(await realDirs(dir, QUARANTINE_DIR))) return null;
  try {
    await fsp.rename(from, to);
  } catch (e) {
    if (sysCode(e) !== 'ENOENT') throw e; // already moved by a concurrent reader
  }
  return to;
}

/** Decide what a mismatching file is: a pointer (not local) or damage (quarantined). Always throws. */
async function failMismatch(
  dir: string,
  oid: string,
  head: Buffer | null,
  actual: string
): Promise<never> {
  if (head && looksLikeLfsPointer(head)) {
    throw new XetCacheError('ELFSPOINTER', `object ${oid} is a Git LFS pointer; run git lfs pull`, {
      oid
    });
  }
  // A read-only store cannot quarantine; the read must still fail as EINTEGRITY, never as a filesystem error.
  const moved = await quarantineObject(dir, oid).catch(() => null);
  throw new XetCacheError('EINTEGRITY', `object ${oid} does not match its hash`, {
    oid,
    actual,
    quarantined: moved
  });
}

/** Read a whole object into memory; returned only after its sha256 matched. */
export async function readObject(dir: string, oid: string): Promise<Buffer> {
  const { fh, size } = await openObject(dir, oid);
  let buf: Buffer;
  const hash = createHash('sha256');
  try {
    buf = Buffer.allocUnsafe(size);
    let off = 0;
    let pending = size > 0 ? fh.read(buf, 0, Math.min(READ_CHUNK, size), 0) : null;
    while (pending) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break; // shorter than stat said: the hash check below catches it
      const start = off;
      off += bytesRead;
      // Issue the next read before hashing this chunk, so disk/page-cache copy and sha256 overlap.
      pending = off < size ? fh.read(buf, off, Math.min(READ_CHUNK, size - off), off) : null;
      hash.update(buf.subarray(start, off));
    }
    buf = buf.subarray(0, off);
  } finally {
    await fh.close();
  }
  const actual = hash.digest('hex');
  if (actual !== oid)
    await failMismatch(dir, oid, buf.length < LFS_POINTER_MAX_BYTES ? buf : null, actual);
  return buf;
}

async function* verifiedChunks(dir: string, oid: string): AsyncGenerator<Buffer> {
  const { fh, size } = await openObject(dir, oid);
  const hash = createHash('sha256');
  let held: Buffer | null = null;
  let head: Buffer | null = null;
  // One read ahead: the next chunk is read on libuv's pool while this one is hashed and handed over.
  const readAt = (pos: number) => {
    const chunk = Buffer.allocUnsafe(STREAM_CHUNK); // fresh per chunk: consumers keep references
    const p = fh
      .read(chunk, 0, STREAM_CHUNK, pos)
      .then(({ bytesRead }) => chunk.subarray(0, bytesRead));
    p.catch(() => undefined); // awaited below; this only stops a failure during a yield counting as unhandled
    return p;
  };
  try {
    let pos = 0;
    let next = readAt(0);
    for (;;) {
      const piece = await next;
      if (piece.length === 0) break;
      pos += piece.length;
      next = readAt(pos);
      hash.update(piece);
      if (head === null && size < LFS_POINTER_MAX_BYTES) head = piece;
      if (held) yield held;
      held = piece;
    }
  } finally {
    await fh.close();
  }
  const actual = hash.digest('hex');
  if (actual !== oid) await failMismatch(dir, oid, head, actual);
  if (held) yield held;
}

/** Stream an object; errors ENOTFOUND/ELFSPOINTER/EINTEGRITY arrive as the stream's 'error' event. */
export function createObjectReadStream(dir: string, oid: string): Readable {
  objectPath(dir, oid); // a bad oid throws synchronously (EBADREQUEST), before any stream exists
  return Readable.from(verifiedChunks(dir, oid), { objectMode: false });
}

/** Hash a regular file without keeping it in memory (verify). NotRegularError for anything else. */
export async function hashFile(
  p: string
): Promise<{ digest: string; size: number; head: Buffer | null }> {
  const { fh } = await openRegular(p);
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let size = 0;
  let head: Buffer | null = null;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, size);
      if (bytesRead === 0) break;
      if (size === 0 && bytesRead < LFS_POINTER_MAX_BYTES)
        head = Buffer.from(buf.subarray(0, bytesRead));
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { digest: hash.digest('hex'), size, head: size < LFS_POINTER_MAX_BYTES ? head : null };
}

/**
 * 'pointer' only when the small file both looks like one and does not hash to its own name. A name that is not a
 * regular file in a real folder (a symlink, FIFO, folder) is 'missing': it is not content and is never read.
 */
export async function objectState(dir: string, oid: string): Promise<ObjectState> {
  const p = objectPath(dir, oid);
  if (!(await fanIsReal(dir, oid))) return 'missing';
  let fh: FileHandle;
  let size: number;
  try {
    ({
      fh,
      stat: { size }
    } = await openRegular(p));
  } catch (e) {
    if (sysCode(e) === 'ENOENT' || e instanceof NotRegularError) return 'missing';
    throw e;
  }
  try {
    if (size >= LFS_POINTER_MAX_BYTES) return 'local';
    const bytes = Buffer.alloc(size);
    const { bytesRead } = await fh.read(bytes, 0, size, 0);
    const head = bytes.subarray(0, bytesRead);
    if (!looksLikeLfsPointer(head)) return 'local';
    return createHash('sha256').update(head).digest('hex') === oid ? 'local' : 'pointer';
  } finally {
    await fh.close();
  }
}

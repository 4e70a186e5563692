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
import { objectPath, quarantinePath } from './layout';
import { looksLikeLfsPointer, LFS_POINTER_MAX_BYTES } from './lfs';

const READ_CHUNK = 4 * 1024 * 1024;
const STREAM_CHUNK = 2 * 1024 * 1024;

export type ObjectState = 'local' | 'pointer' | 'missing';

async function openObject(
  dir: string,
  oid: string
): Promise<{ fh: FileHandle; size: number; path: string }> {
  const p = objectPath(dir, oid);
  let fh: FileHandle;
  try {
    fh = await fsp.open(p, 'r');
  } catch (e) {
    if (sysCode(e) === 'ENOENT')
      throw new XetCacheError('ENOTFOUND', `object ${oid} is not in the store`, { oid });
    throw e;
  }
  try {
    const st = await fh.stat();
    return { fh, size: st.size, path: p };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Move bad bytes aside so nothing loads them again and a later write of the real content can take the name. */
export async function quarantineObject(dir: string, oid: string): Promise<string> {
  const from = objectPath(dir, oid);
  const to = quarantinePath(dir, oid);
  await fsp.mkdir(path.dirname(to), { recursive: true });
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

/** Hash a file without keeping it in memory (verify, objectState). */
export async function hashFile(
  p: string
): Promise<{ digest: string; size: number; head: Buffer | null }> {
  const fh = await fsp.open(p, 'r');
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

/** 'pointer' only when the small file both looks like one and does not hash to its own name. */
export async function objectState(dir: string, oid: string): Promise<ObjectState> {
  const p = objectPath(dir, oid);
  let size: number;
  try {
    size = (await fsp.stat(p)).size;
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return 'missing';
    throw e;
  }
  if (size >= LFS_POINTER_MAX_BYTES) return 'local';
  const bytes = await fsp.readFile(p).catch((e: unknown) => {
    if (sysCode(e) === 'ENOENT') return null;
    throw e;
  });
  if (bytes === null) return 'missing';
  if (!looksLikeLfsPointer(bytes)) return 'local';
  return createHash('sha256').update(bytes).digest('hex') === oid ? 'local' : 'pointer';
}

/**
 * Opening files of a store that a cloned repository may have planted (spec/FORMAT.md, "Opening files").
 * git can check out symlinks, and a store can hold FIFOs or device files: following one leaves the store, reading
 * one can block the server forever. So files are opened with O_NOFOLLOW (a symlink fails) and O_NONBLOCK (a FIFO
 * opens at once) and fstat'ed: only regular files are read. The Python engine does the same (store/safeio.py).
 */
import { constants, promises as fsp, type Stats } from 'node:fs';
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { sysCode } from './errors';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0; // absent on Windows, where checkouts do not make symlinks by default
const NONBLOCK = constants.O_NONBLOCK ?? 0;
export const READ_FLAGS = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
export const APPEND_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;

/** Thrown (as a system-like error with code ENOTREGULAR) for a name that exists but is not a regular file. */
export class NotRegularError extends Error {
  readonly code = 'ENOTREGULAR';
  constructor(readonly path: string) {
    super(`not a regular file: ${path}`);
  }
}

// ELOOP/EMLINK: a symlink (Linux/BSD); ENXIO: a FIFO opened for writing; EISDIR; ENOTDIR: a file where a folder is.
const NOT_REGULAR = new Set(['ELOOP', 'EMLINK', 'ENXIO', 'EISDIR', 'ENOTDIR']);

function translate(e: unknown, p: string): unknown {
  return NOT_REGULAR.has(sysCode(e) ?? '') ? new NotRegularError(p) : e;
}

/** The regular file at `p`, opened; ENOENT as usual, NotRegularError for anything else that is there. */
export async function openRegular(
  p: string,
  flags: number = READ_FLAGS,
  mode = 0o644
): Promise<{ fh: FileHandle; stat: Stats }> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(p, flags | NOFOLLOW | NONBLOCK, mode);
  } catch (e) {
    throw translate(e, p);
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new NotRegularError(p);
    return { fh, stat };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Synchronous openRegular (the server's index scan reads thousands of small manifests synchronously). */
export function openRegularSync(p: string): { fd: number; stat: Stats } {
  let fd: number;
  try {
    fd = fs.openSync(p, READ_FLAGS);
  } catch (e) {
    throw translate(e, p);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotRegularError(p);
    return { fd, stat };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The whole regular file at `p` (at most `limit` bytes when given). */
export async function readRegular(p: string, limit?: number): Promise<Buffer> {
  const { fh, stat } = await openRegular(p);
  try {
    if (limit === undefined) return await fh.readFile();
    const buf = Buffer.alloc(Math.min(stat.size, limit));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * True when each of dir/parts[0], dir/parts[0]/parts[1], ... is a real folder (not a symlink to one). The store
 * folder itself may be a symlink (a user's choice); the folders inside it come from the repository.
 */
export async function realDirs(dir: string, ...parts: string[]): Promise<boolean> {
  let p = dir;
  for (const part of parts) {
    p = path.join(p, part);
    try {
      if (!(await fsp.lstat(p)).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Strict UTF-8 (a manifest with invalid bytes is refused, as Python refuses it, instead of read with U+FFFD). */
export function decodeUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}

/**
 * Writing an object: hash while writing into a private tmp file, fsync, then link it under its sha256 name.
 * Invariant (1) of the design: objects are written tmp → fsync → rename and never overwritten.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { sysCode } from './errors';
import { objectPath } from './layout';
import { looksLikeLfsPointer, LFS_POINTER_MAX_BYTES } from './lfs';
import { NotRegularError, readRegular } from './safe-open';
import { createTmp, fsyncDir, placeNoClobber, removeQuietly, writeAll } from './tmp';

/** Slices of a Buffer argument: big enough to amortise syscalls, small enough to overlap hashing with writing. */
const SLICE = 4 * 1024 * 1024;
/** Writes allowed in flight at once (libuv has 4 pool threads; more only queues). */
const WRITE_WINDOW = 3;

export interface WrittenObject {
  oid: string;
  bytes: number;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('object streams must yield Buffer, Uint8Array or string chunks');
}

async function* slices(data: Buffer | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(data)) {
    for (let off = 0; off < data.length; off += SLICE)
      yield data.subarray(off, Math.min(off + SLICE, data.length));
    return;
  }
  for await (const chunk of data as AsyncIterable<unknown>) yield toBuffer(chunk);
}

/** A pointer at the final path means "content not fetched": real content for that oid should replace it. */
async function isPointerFile(p: string): Promise<boolean> {
  try {
    return looksLikeLfsPointer(await readRegular(p, LFS_POINTER_MAX_BYTES));
  } catch (e) {
    if (e instanceof NotRegularError) return false; // never read; left for verify to report
    throw e;
  }
}

export async function writeObject(
  dir: string,
  data: Buffer | NodeJS.ReadableStream
): Promise<WrittenObject> {
  const tmp = await createTmp(dir);
  let open = true;
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    // Positioned writes run on libuv's pool while this thread hashes the next chunk; a small window of writes in
    // flight keeps the disk busy without buffering the whole object. Hashing order is the byte order.
    const inFlight: Promise<void>[] = [];
    let sourceFailed: { error: unknown } | null = null;
    try {
      for await (const chunk of slices(data)) {
        const write = writeAll(tmp.fh, chunk, bytes);
        write.catch(() => undefined); // observed below; this only stops an early failure counting as unhandled
        inFlight.push(write);
        hash.update(chunk);
        bytes += chunk.length;
        if (inFlight.length >= WRITE_WINDOW) await inFlight.shift();
      }
    } catch (error) {
      sourceFailed = { error };
    }
    // Settle every write before the fd is closed, even when the source failed.
    const settled = await Promise.allSettled(inFlight);
    if (sourceFailed) throw sourceFailed.error;
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await tmp.fh.sync();
    await tmp.fh.close();
    open = false;

    const oid = hash.digest('hex');
    const finalPath = objectPath(dir, oid);
    const placed = await placeNoClobber(tmp.path, finalPath);
    if (placed === 'placed') {
      await fsyncDir(path.dirname(finalPath));
    } else if (!(await fsp.lstat(finalPath)).isFile() || (await isPointerFile(finalPath))) {
      // Checked by hash above: our bytes are the content, the file there is only a pointer to it (or a symlink
      // or FIFO a clone planted, which no reader opens): the rename replaces the name, never a link's target.
      await fsp.rename(tmp.path, finalPath);
      await fsyncDir(path.dirname(finalPath));
    } else {
      // Same name = same bytes. Refresh its mtime so a concurrent gc treats it as young (grace period) while
      // our caller goes on to write the manifest that references it.
      const now = new Date();
      await fsp.lutimes(finalPath, now, now).catch((e: unknown) => {
        if (sysCode(e) !== 'EPERM' && sysCode(e) !== 'EACCES') throw e; // someone else's file: still valid
      });
    }
    return { oid, bytes };
  } finally {
    if (open) await tmp.fh.close().catch(() => undefined);
    await removeQuietly(tmp.path); // after link() the tmp name still exists; after a failure it is garbage
  }
}

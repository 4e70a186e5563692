/**
 * The hit log, hits.jsonl (CONTRACT.md section 2): one JSON line per restore, appended with a single write() in
 * O_APPEND mode so concurrent appenders (engine, server) never interleave. Readers ingest it incrementally from a
 * byte offset and leave a torn last line (an appender mid-write, or killed) for the next read.
 */
import type { FileHandle } from 'node:fs/promises';
import { XetCacheError, sysCode } from './errors';
import { hitsPath, isHex64 } from './layout';
import { APPEND_FLAGS, NotRegularError, openRegular } from './safe-open';
import { schemaValidator } from './validate';

export interface Hit {
  key: string;
  at: string;
  saved_s: number;
}

export interface HitsRead {
  hits: Hit[];
  /** Byte offset just past the last complete line: pass it to the next readHits. */
  offset: number;
  /** Complete lines that were not valid hits (skipped, never fatal: the log is advisory). */
  skipped: number;
}

/** POSIX only guarantees atomic appends below PIPE_BUF-ish sizes in practice; the contract caps lines at 4 KiB. */
const MAX_LINE = 4096;
/** The largest saved time a hit line holds (spec/schemas/hit.schema.json): a sum of many stays finite. */
export const MAX_SAVED_S = 1e9;

/** hits.jsonl must be a regular file of the store: a symlink planted by a clone would append (or read) elsewhere. */
async function openHits(dir: string, flags?: number): Promise<FileHandle> {
  try {
    return (await openRegular(hitsPath(dir), flags)).fh;
  } catch (e) {
    if (e instanceof NotRegularError)
      throw new XetCacheError('EINTEGRITY', 'hits.jsonl is not a regular file; not used', {
        path: hitsPath(dir)
      });
    throw e;
  }
}

/**
 * The bytes of one line: compact JSON in the order key, at, saved_s, "\n" at the end. The Python engine writes the
 * same bytes (spec/vectors/hit-lines.json). EBADREQUEST for anything the contract does not allow.
 */
export function formatHitLine(h: { key: string; at: string; saved_s: number }): Buffer {
  // The hit-line schema decides (spec/schemas/hit.schema.json): 64-hex key, a UTC timestamp, finite saved_s >= 0.
  const hit = { key: h.key, at: h.at, saved_s: h.saved_s };
  if (!schemaValidator('hit')(hit))
    throw new XetCacheError('EBADREQUEST', 'not a valid hit (key, at, saved_s)', { hit });
  const line = Buffer.from(`${JSON.stringify(hit)}\n`, 'utf8');
  if (line.length > MAX_LINE)
    throw new XetCacheError('EBADREQUEST', 'hit line too long', { bytes: line.length });
  return line;
}

export async function appendHit(
  dir: string,
  h: { key: string; at?: string; saved_s: number }
): Promise<Hit> {
  const hit: Hit = { key: h.key, at: h.at ?? new Date().toISOString(), saved_s: h.saved_s };
  const line = formatHitLine(hit);
  const fh = await openHits(dir, APPEND_FLAGS);
  try {
    await fh.write(line); // one write() call: O_APPEND makes it land whole at the end
  } finally {
    await fh.close();
  }
  return hit;
}

function parseHit(line: string): Hit | null {
  try {
    const v = JSON.parse(line) as Partial<Hit> | null;
    if (!v || typeof v !== 'object') return null;
    if (!isHex64(v.key) || typeof v.at !== 'string' || typeof v.saved_s !== 'number') return null;
    // outside the schema's range (hit.schema.json): not a hit line, skipped like any line that does not match
    if (!(v.saved_s >= 0 && v.saved_s <= MAX_SAVED_S)) return null;
    return { key: v.key, at: v.at, saved_s: v.saved_s };
  } catch {
    return null;
  }
}

/**
 * Hits from byte `fromOffset` to the last complete line. If the file is now shorter than the offset it was
 * replaced (deleted and started again), so reading restarts at 0.
 */
export async function readHits(dir: string, fromOffset: number): Promise<HitsRead> {
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) {
    throw new XetCacheError('EBADREQUEST', 'offset must be a non-negative integer', {
      offset: fromOffset
    });
  }
  let fh: FileHandle;
  try {
    fh = await openHits(dir);
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return { hits: [], offset: 0, skipped: 0 };
    throw e;
  }
  let buf: Buffer;
  let start = fromOffset;
  try {
    const size = (await fh.stat()).size;
    if (start > size) start = 0;
    buf = Buffer.allocUnsafe(size - start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    buf = buf.subarray(0, got);
  } finally {
    await fh.close();
  }
  const end = buf.lastIndexOf(0x0a);
  if (end < 0) return { hits: [], offset: start, skipped: 0 };
  const hits: Hit[] = [];
  let skipped = 0;
  for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const hit = parseHit(line);
    if (hit) hits.push(hit);
    else skipped++;
  }
  return { hits, offset: start + end + 1, skipped };
}

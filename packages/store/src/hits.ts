/**
 * The hit log, hits.jsonl (CONTRACT.md section 2): one JSON line per restore, appended with a single write() in
 * O_APPEND mode so concurrent appenders (engine, server) never interleave. Readers ingest it incrementally from a
 * byte offset and leave a torn last line (an appender mid-write, or killed) for the next read.
 */
import { promises as fsp } from 'node:fs';
import { XetCacheError, sysCode } from './errors';
import { hitsPath, isHex64 } from './layout';

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

export async function appendHit(
  dir: string,
  h: { key: string; at?: string; saved_s: number }
): Promise<Hit> {
  if (!isHex64(h.key))
    throw new XetCacheError('EBADREQUEST', 'hit key must be 64 lowercase hex', { key: h.key });
  if (typeof h.saved_s !== 'number' || !Number.isFinite(h.saved_s) || h.saved_s < 0) {
    throw new XetCacheError('EBADREQUEST', 'saved_s must be a finite number >= 0', {
      saved_s: h.saved_s
    });
  }
  const at = h.at ?? new Date().toISOString();
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
    throw new XetCacheError('EBADREQUEST', 'at must be an ISO 8601 date-time', { at });
  }
  const hit: Hit = { key: h.key, at, saved_s: h.saved_s };
  const line = Buffer.from(`${JSON.stringify(hit)}\n`, 'utf8');
  if (line.length > MAX_LINE)
    throw new XetCacheError('EBADREQUEST', 'hit line too long', { bytes: line.length });
  const fh = await fsp.open(hitsPath(dir), 'a');
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
  let fh;
  try {
    fh = await fsp.open(hitsPath(dir), 'r');
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

/**
 * Garbage collection, mark and sweep (CONTRACT.md: evict = delete the manifest; objects go only here).
 * Mark: every object any manifest names. Sweep: unreferenced objects older than the grace period. The grace
 * period protects a writer that has written objects but not yet its manifest; writeObject refreshes the mtime
 * of an object it found already present (dedup), so re-used old objects are young again too.
 */
import { promises as fsp } from 'node:fs';
import { XetCacheError, isXetCacheError, sysCode } from './errors';
import { DEFAULT_GC_GRACE_MS, MIN_GC_GRACE_MS } from './layout';
import { listManifestFiles, listObjectFiles } from './listing';
import { parseManifest } from './manifest';
import { liveIdsOfText, manifestLiveIds } from './manifest-type';
import { NotRegularError, readRegular } from './safe-open';
import { cleanStaleTmp } from './tmp';

export interface GcOptions {
  /** Unreferenced objects younger than this are kept (default 1 hour). */
  graceMs?: number;
  /** The clock, for tests. */
  now?: number;
}

export interface GcReport {
  removed: number;
  freedBytes: number;
  /** Object files left in place (referenced, or unreferenced but within the grace period). */
  kept: number;
  /** Manifests that did not parse; their 64-hex strings were all treated as references, to lose nothing. */
  unreadableManifests: number;
  /** Stale tmp files (older than 1 hour) removed on the way. */
  tmpRemoved: number;
  /** The grace period used. */
  graceMs: number;
  /**
   * Unreferenced objects kept only because they are younger than the grace period (e.g. those of an entry evicted
   * just now), their bytes, and when the first and the last of them leave it (ISO; null when there are none): a
   * gc that freed nothing must be able to say why and when running it again helps.
   */
  graceKept: number;
  graceKeptBytes: number;
  graceFirstFree: string | null;
  graceAllFree: string | null;
}

/**
 * What people and HTTP clients may ask for (the CLI's --grace, the API's grace_s): a grace period below
 * MIN_GC_GRACE_MS deletes the objects of an entry still being written (objects are written first, its manifest
 * last), so it is refused (EBADREQUEST) unless `force` says no writer can be running. Returns the grace in ms.
 */
export function checkGrace(graceMs: number | undefined, force = false): number {
  const ms = graceMs ?? DEFAULT_GC_GRACE_MS;
  if (!Number.isFinite(ms) || ms < 0)
    throw new XetCacheError('EBADREQUEST', `the grace period must be a number of seconds >= 0`);
  if (ms < MIN_GC_GRACE_MS && !force) {
    throw new XetCacheError(
      'EBADREQUEST',
      `a grace period of ${ms / 1000} s is below the safe minimum of ${MIN_GC_GRACE_MS / 1000} s: gc would delete ` +
        'the objects of an entry still being written (a writer stores its objects first and its manifest last). ' +
        'Use force (CLI: --force) only when no kernel or other writer can be storing into this store.',
      { grace_s: ms / 1000, min_grace_s: MIN_GC_GRACE_MS / 1000 }
    );
  }
  return ms;
}

/**
 * Mark: the live set of every manifest (spec/FORMAT.md, "gc"; vectors in spec/vectors/gc-live-sets.json). gc
 * deletes what it does not understand, so what it cannot read counts as wanted: a manifest that is not valid (a
 * merge conflict, a newer format) keeps every 64-hex run in its text, a valid one also what its unknown fields name.
 */
export async function markLive(
  dir: string
): Promise<{ live: Set<string>; unreadable: number; blind: boolean }> {
  const live = new Set<string>();
  let unreadable = 0;
  const listing = await listManifestFiles(dir);
  // A manifest that is not a regular file, or a symlinked entries/<k0k1>/: what it names cannot be known.
  let blind = listing.unsafe.length > 0;
  for (const { name: key, path: p } of listing.items) {
    let bytes: Buffer;
    try {
      bytes = await readRegular(p);
    } catch (e) {
      if (sysCode(e) === 'ENOENT') continue; // evicted while we walked: its objects may go
      if (e instanceof NotRegularError) {
        unreadable++; // a symlink or FIFO is never read (verify reports it), and nothing is swept meanwhile
        blind = true;
        continue;
      }
      throw e;
    }
    try {
      for (const oid of manifestLiveIds(parseManifest(bytes, key, p))) live.add(oid);
    } catch (e) {
      if (!isXetCacheError(e)) throw e;
      unreadable++;
      for (const oid of liveIdsOfText(bytes.toString('latin1'))) live.add(oid);
    }
  }
  return { live, unreadable, blind };
}

export async function gcStore(dir: string, opts: GcOptions = {}): Promise<GcReport> {
  const graceMs = opts.graceMs ?? DEFAULT_GC_GRACE_MS;
  const now = opts.now ?? Date.now();
  const { live, unreadable, blind } = await markLive(dir);
  let removed = 0;
  let freedBytes = 0;
  let kept = 0;
  let graceKept = 0;
  let graceKeptBytes = 0;
  let youngest = -Infinity;
  let oldest = Infinity;
  const objects = blind ? [] : (await listObjectFiles(dir)).items;
  for (const { name: oid, path: p } of objects) {
    if (live.has(oid)) {
      kept++;
      continue;
    }
    try {
      // stat right before unlink: the mtime may have just been refreshed by a writer that re-uses this object.
      const st = await fsp.lstat(p);
      if (now - st.mtimeMs < graceMs) {
        kept++;
        graceKept++;
        graceKeptBytes += st.size;
        youngest = Math.max(youngest, st.mtimeMs);
        oldest = Math.min(oldest, st.mtimeMs);
        continue;
      }
      await fsp.unlink(p);
      removed++;
      freedBytes += st.size;
    } catch (e) {
      if (sysCode(e) !== 'ENOENT') throw e; // a concurrent gc removed it first
    }
  }
  const tmpRemoved = await cleanStaleTmp(dir, undefined, now);
  const at = (mtimeMs: number) => (graceKept ? new Date(mtimeMs + graceMs).toISOString() : null);
  return {
    removed,
    freedBytes,
    kept,
    unreadableManifests: unreadable,
    tmpRemoved,
    graceMs,
    graceKept,
    graceKeptBytes,
    graceFirstFree: at(oldest),
    graceAllFree: at(youngest)
  };
}

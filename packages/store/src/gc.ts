/**
 * Garbage collection, mark and sweep (CONTRACT.md: evict = delete the manifest; objects go only here).
 * Mark: every object any manifest names. Sweep: unreferenced objects older than the grace period. The grace
 * period protects a writer that has written objects but not yet its manifest; writeObject refreshes the mtime
 * of an object it found already present (dedup), so re-used old objects are young again too.
 */
import { promises as fsp } from 'node:fs';
import { isXetCacheError, sysCode } from './errors';
import { DEFAULT_GC_GRACE_MS } from './layout';
import { listManifestFiles, listObjectFiles } from './listing';
import { parseManifest } from './manifest';
import { manifestObjectIds } from './manifest-type';
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
}

const HEX64_ANY = /[0-9a-f]{64}/g;

async function mark(dir: string): Promise<{ live: Set<string>; unreadable: number }> {
  const live = new Set<string>();
  let unreadable = 0;
  for (const { name: key, path: p } of (await listManifestFiles(dir)).items) {
    let text: string;
    try {
      text = await fsp.readFile(p, 'utf8');
    } catch (e) {
      if (sysCode(e) === 'ENOENT') continue; // evicted while we walked: its objects may go
      throw e;
    }
    try {
      for (const oid of manifestObjectIds(parseManifest(text, key, p))) live.add(oid);
    } catch (e) {
      if (!isXetCacheError(e)) throw e;
      // A broken manifest (say, a git merge conflict) still means someone wants these objects: keep them all.
      unreadable++;
      for (const m of text.match(HEX64_ANY) ?? []) live.add(m);
    }
  }
  return { live, unreadable };
}

export async function gcStore(dir: string, opts: GcOptions = {}): Promise<GcReport> {
  const graceMs = opts.graceMs ?? DEFAULT_GC_GRACE_MS;
  const now = opts.now ?? Date.now();
  const { live, unreadable } = await mark(dir);
  let removed = 0;
  let freedBytes = 0;
  let kept = 0;
  for (const { name: oid, path: p } of (await listObjectFiles(dir)).items) {
    if (live.has(oid)) {
      kept++;
      continue;
    }
    try {
      // stat right before unlink: the mtime may have just been refreshed by a writer that re-uses this object.
      const st = await fsp.lstat(p);
      if (now - st.mtimeMs < graceMs) {
        kept++;
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
  return { removed, freedBytes, kept, unreadableManifests: unreadable, tmpRemoved };
}

/**
 * Eviction (CONTRACT.md section 1): delete the manifest first, then its index row. Objects stay until `gc`,
 * which removes them only after a grace period, so a concurrent writer reusing an object is never broken.
 */
import type Database from 'better-sqlite3';
import type { Store } from '@xetcache/store';
import { allEntryChunks, lruOrder } from './query';

export interface Victim {
  key: string;
  total_bytes: number;
}

/** Parallel enough to hide unlink latency, bounded so 50k evictions do not open 50k requests at once. */
const UNLINK_CONCURRENCY = 32;

/** Delete the manifests, then the rows. Returns the victims whose manifest this call removed or found gone. */
export async function removeEntries(
  db: Database.Database,
  store: Store,
  victims: Victim[]
): Promise<void> {
  for (let i = 0; i < victims.length; i += UNLINK_CONCURRENCY) {
    // A manifest already gone (another process evicted it) still leaves the index: both agree it is evicted.
    await Promise.all(
      victims.slice(i, i + UNLINK_CONCURRENCY).map(v => store.deleteManifest(v.key))
    );
  }
  const del = db.prepare('DELETE FROM entries WHERE key = ?');
  db.transaction(() => {
    for (const v of victims) del.run(v.key);
  }).immediate();
}

export interface TrimPlan {
  victims: Victim[];
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Least recently used first: an entry's last use is its last hit, or its creation if it was never hit (so a
 * fresh entry is not evicted before an old one that was hit once long ago). Stops as soon as the total fits.
 * Totals are physical (what the store holds): a chunk counts once, and evicting an entry frees its chunks only
 * when no entry left names them (spec/FORMAT.md, "Chunked objects").
 */
export function planTrim(db: Database.Database, maxBytes: number): TrimPlan {
  const order = lruOrder(db);
  const refs = new Map<string, { size: number; n: number }>();
  const chunksOf = new Map<string, string[]>();
  for (const c of allEntryChunks(db)) {
    const r = refs.get(c.oid) ?? { size: c.size, n: 0 };
    r.n += 1;
    refs.set(c.oid, r);
    const list = chunksOf.get(c.key) ?? [];
    list.push(c.oid);
    chunksOf.set(c.key, list);
  }
  let bytesBefore = order.reduce((sum, e) => sum + e.unchunked_bytes, 0);
  for (const r of refs.values()) bytesBefore += r.size;
  let bytesAfter = bytesBefore;
  const victims: Victim[] = [];
  for (const e of order) {
    if (bytesAfter <= maxBytes) break;
    victims.push({ key: e.key, total_bytes: e.total_bytes });
    bytesAfter -= e.unchunked_bytes;
    for (const oid of chunksOf.get(e.key) ?? []) {
      const r = refs.get(oid);
      if (r && --r.n === 0) bytesAfter -= r.size;
    }
  }
  return { victims, bytesBefore, bytesAfter };
}
